using EtlWeb.Core.Runs;

namespace EtlWeb.Tests.History;

public sealed class WaitReasonRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 2, 0, 30, TimeSpan.Zero);

    private static string Time(DateTimeOffset t) => t.ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);

    private static string? Sentence(WaitFacts facts) => WaitReasons.Sentence(facts, Now, Time);

    [Fact]
    public void A_waiting_run_names_each_upstream_it_waits_for_with_where_it_is_and_since_when()
    {
        var upstreams = new[]
        {
            new UpstreamActivity("Extract", RunStatus.Running, Now.AddSeconds(-27)),
            new UpstreamActivity("Lookup", RunStatus.Queued, Now.AddSeconds(-5)),
        };
        Assert.Equal("waiting for Extract (running since 02:00:03), Lookup (queued since 02:00:25)",
            Sentence(new WaitFacts(RunStatus.Waiting, "waiting for: Extract, Lookup", upstreams, null, 0, 0, 4)));
    }

    [Fact]
    public void A_waiting_run_with_no_upstream_in_progress_says_what_its_last_decision_found()
    {
        Assert.Equal("waiting for: Extract (never ran)", Sentence(new WaitFacts(RunStatus.Waiting, "waiting for: Extract (never ran)", [], null, 0, 0, 4)));
        Assert.Equal("waiting for run #7 of this job to finish", Sentence(new WaitFacts(RunStatus.Waiting, "waiting for run #7 of this job to finish", [], null, 0, 0, 4)));
        Assert.Equal("waiting to be started", Sentence(new WaitFacts(RunStatus.Waiting, null, [], null, 0, 0, 4)));
    }

    [Fact]
    public void A_queued_retry_says_until_when_and_which_retry_of_how_many()
    {
        Assert.Equal("waiting until 02:05:00 (retry 2 of 3)",
            Sentence(new WaitFacts(RunStatus.Queued, null, [], new QueuedAttempt(3, Now.AddSeconds(270)), 3, 0, 4)));
        Assert.Equal("waiting until 02:05:00", Sentence(new WaitFacts(RunStatus.Queued, null, [], new QueuedAttempt(1, Now.AddSeconds(270)), 0, 0, 4)));
    }

    [Fact]
    public void A_due_queued_run_of_a_full_pool_names_the_pool_and_its_use_before_the_workers()
    {
        var full = new EtlWeb.Core.Jobs.PoolUse("warehouse", 2, 2, 1);
        Assert.Equal("waiting for pool warehouse: 2 of 2 slots in use", Sentence(new WaitFacts(RunStatus.Queued, null, [], new QueuedAttempt(1, null), 0, 5, 5, full)));
        Assert.Equal("waiting for pool warehouse: 1 of 2 slots in use, it needs 2",
            Sentence(new WaitFacts(RunStatus.Queued, null, [], new QueuedAttempt(1, null), 0, 1, 5, full with { Used = 1, Needs = 2 })));
        Assert.Equal("queued: a worker takes it next (1 of 5 workers busy)",
            Sentence(new WaitFacts(RunStatus.Queued, null, [], new QueuedAttempt(1, null), 0, 1, 5, full with { Used = 1 })));
    }

    [Fact]
    public void A_due_queued_run_says_how_busy_the_workers_are()
    {
        Assert.Equal("queued: 5 of 5 workers busy", Sentence(new WaitFacts(RunStatus.Queued, null, [], new QueuedAttempt(1, null), 0, 5, 5)));
        Assert.Equal("queued: a worker takes it next (2 of 5 workers busy)", Sentence(new WaitFacts(RunStatus.Queued, null, [], new QueuedAttempt(2, Now.AddSeconds(-1)), 1, 2, 5)));
    }

    [Fact]
    public void A_running_run_between_attempts_says_when_its_retry_may_start() =>
        Assert.Equal("waiting until 02:05:00 (retry 1 of 3)",
            Sentence(new WaitFacts(RunStatus.Running, null, [], new QueuedAttempt(2, Now.AddSeconds(270)), 3, 0, 4)));

    [Theory]
    [InlineData(RunStatus.Running)]
    [InlineData(RunStatus.Succeeded)]
    [InlineData(RunStatus.Skipped)]
    public void A_run_that_started_or_ended_has_no_wait_reason(RunStatus status) =>
        Assert.Null(Sentence(new WaitFacts(status, "x", [], null, 0, 0, 4)));
}
