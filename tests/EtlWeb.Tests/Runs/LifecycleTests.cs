using EtlWeb.Core.Jobs;
using EtlWeb.Core.Runs;

namespace EtlWeb.Tests.Runs;

/// <summary>The one table of allowed transitions, and runs and attempts refusing everything else without a change.</summary>
public sealed class LifecycleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);
    private static readonly Job OneRetry = new() { MaxRetries = 1, RetryDelaySeconds = 30, RetryBackoff = 2 };

    public static TheoryData<RunStatus, RunStatus[]> RunMoves() => new()
    {
        { RunStatus.Waiting, [RunStatus.Queued, RunStatus.Running, RunStatus.Skipped, RunStatus.UpstreamFailed, RunStatus.Cancelled] },
        { RunStatus.Queued, [RunStatus.Running, RunStatus.Cancelled, RunStatus.Skipped] },
        { RunStatus.Running, [RunStatus.Succeeded, RunStatus.Failed, RunStatus.TimedOut, RunStatus.Cancelled, RunStatus.Interrupted] },
        { RunStatus.Succeeded, [] },
        { RunStatus.Failed, [] },
        { RunStatus.TimedOut, [] },
        { RunStatus.Cancelled, [] },
        { RunStatus.Skipped, [] },
        { RunStatus.UpstreamFailed, [] },
        { RunStatus.Interrupted, [] },
    };

    [Theory]
    [MemberData(nameof(RunMoves))]
    public void A_run_moves_only_along_the_table_and_a_terminal_status_goes_nowhere(RunStatus from, RunStatus[] allowed)
    {
        foreach (var to in Enum.GetValues<RunStatus>())
        {
            Assert.True(Lifecycle.Allows(from, to) == allowed.Contains(to), $"{from} -> {to}");
        }

        Assert.Equal(allowed.Length == 0, from.IsTerminal());
    }

    [Fact]
    public void An_attempt_is_queued_then_running_then_ended_and_never_waits_or_skips()
    {
        Assert.Equal(["Queued", "Running", "Succeeded", "Failed", "TimedOut", "Cancelled", "Interrupted"], Enum.GetNames<AttemptStatus>());
        Assert.True(Lifecycle.Allows(AttemptStatus.Queued, AttemptStatus.Running));
        Assert.True(Lifecycle.Allows(AttemptStatus.Queued, AttemptStatus.Cancelled));
        Assert.False(Lifecycle.Allows(AttemptStatus.Queued, AttemptStatus.Succeeded));
        Assert.All(Enum.GetValues<AttemptStatus>().Where(s => s.IsTerminal()), end =>
            Assert.DoesNotContain(Enum.GetValues<AttemptStatus>(), to => Lifecycle.Allows(end, to)));
    }

    [Fact]
    public void A_run_goes_from_waiting_through_queued_and_running_to_its_end()
    {
        var run = Run.Create(1, TriggerKind.Manual, "{}", Guid.NewGuid(), T0);
        var attempt = run.Queue("m1")!;

        Assert.True(run.Claim(attempt, "web-1", T0.AddSeconds(1)));
        Assert.Equal((RunStatus.Running, AttemptStatus.Running, "web-1", T0.AddSeconds(1)), (run.Status, attempt.Status, attempt.Node, run.StartedAt!.Value));

        var settled = run.Settle(attempt, new AttemptOutcome(AttemptStatus.Succeeded, 0, "exit code 0"), new LogTotals(3, 30, false), OneRetry, "m2", T0.AddSeconds(5));

        Assert.NotNull(settled);
        Assert.Null(settled.Retry);
        Assert.Equal((RunStatus.Succeeded, AttemptStatus.Succeeded, 3L, T0.AddSeconds(5)), (run.Status, attempt.Status, attempt.LogLines, run.FinishedAt!.Value));
    }

    [Fact]
    public void A_failed_attempt_with_retries_left_adds_the_retry_due_after_the_delay_and_keeps_the_run_running()
    {
        var (run, attempt) = Running();

        var settled = run.Settle(attempt, new AttemptOutcome(AttemptStatus.Failed, 2, "exit code 2"), null, OneRetry, "m2", T0.AddMinutes(1));

        Assert.Equal(TimeSpan.FromSeconds(30), settled!.Delay);
        Assert.Equal((2, AttemptStatus.Queued, T0.AddMinutes(1).AddSeconds(30)), (settled.Retry!.Number, settled.Retry.Status, settled.Retry.NotBefore!.Value));
        Assert.Equal(RunStatus.Running, run.Status);
        Assert.StartsWith("Attempt 1 failed; retry 1 of 1 at ", run.Reason, StringComparison.Ordinal);
        Assert.False(run.Claim(settled.Retry, "web-1", T0.AddMinutes(1).AddSeconds(29)));
        Assert.True(run.Claim(settled.Retry, "web-1", T0.AddMinutes(1).AddSeconds(30)));
    }

    [Fact]
    public void A_second_settle_of_the_same_attempt_is_refused_and_changes_nothing()
    {
        var (run, attempt) = Running();
        run.Settle(attempt, new AttemptOutcome(AttemptStatus.Succeeded, 0, "exit code 0"), null, OneRetry, "m2", T0.AddMinutes(1));
        var before = Snapshot(run);

        var second = run.Settle(attempt, new AttemptOutcome(AttemptStatus.Failed, 9, "exit code 9"), null, OneRetry, "m3", T0.AddMinutes(2));

        Assert.Null(second);
        Assert.Equal(before, Snapshot(run));
    }

    [Theory]
    [InlineData(TriggerKind.Schedule, 1, true)]
    [InlineData(TriggerKind.Schedule, 0, false)]
    [InlineData(TriggerKind.Schedule, -1, false)]
    [InlineData(TriggerKind.Manual, 1, false)]
    [InlineData(TriggerKind.CatchUp, 1, false)]
    public void A_scheduled_run_made_before_its_due_time_queues_an_attempt_that_may_not_start_before_it(TriggerKind trigger, int dueInSeconds, bool prestaged)
    {
        var due = T0.AddSeconds(dueInSeconds);
        var run = Run.Create(1, trigger, "{}", Guid.NewGuid(), T0, logicalDate: due);

        var attempt = run.Queue("m1", T0)!;

        Assert.Equal(prestaged ? due : null, attempt.NotBefore);
        Assert.Equal(!prestaged, attempt.IsDue(T0));
        Assert.True(attempt.IsDue(due));
    }

    [Fact]
    public void A_claim_after_a_cancel_is_refused_and_the_run_stays_cancelled()
    {
        var run = Run.Create(1, TriggerKind.Manual, "{}", Guid.NewGuid(), T0);
        var attempt = run.Queue("m1")!;
        Assert.Equal(CancelOutcome.Cancelled, run.Cancel(T0.AddSeconds(1)));
        var before = Snapshot(run);

        Assert.False(run.Claim(attempt, "web-1", T0.AddSeconds(2)));

        Assert.Equal(before, Snapshot(run));
        Assert.Equal((RunStatus.Cancelled, AttemptStatus.Cancelled), (run.Status, attempt.Status));
    }

    [Fact]
    public void A_cancel_after_the_end_is_refused_and_changes_nothing()
    {
        var (run, attempt) = Running();
        run.Settle(attempt, new AttemptOutcome(AttemptStatus.Failed, 1, "exit code 1"), null, new Job(), "m2", T0.AddMinutes(1));
        var before = Snapshot(run);

        Assert.Equal(CancelOutcome.AlreadyFinished, run.Cancel(T0.AddMinutes(2)));

        Assert.Equal(before, Snapshot(run));
        Assert.False(run.CancelRequested);
    }

    [Fact]
    public void A_succeeded_run_cannot_go_back_to_running_through_a_claim_of_an_attempt_or_a_new_queue()
    {
        var (run, attempt) = Running();
        run.Settle(attempt, new AttemptOutcome(AttemptStatus.Succeeded, 0, "exit code 0"), null, OneRetry, "m2", T0.AddMinutes(1));
        var stray = Attempt.Queued(2, "stray", runId: run.Id);
        var before = Snapshot(run);

        Assert.False(run.Claim(stray, "web-1", T0.AddMinutes(2)));
        Assert.Null(run.Queue("again"));
        Assert.False(run.Skip("late", T0.AddMinutes(2)));
        Assert.False(run.KeepWaiting("late"));

        Assert.Equal(before, Snapshot(run));
    }

    [Fact]
    public void A_cancel_of_a_running_run_marks_it_and_its_end_is_cancelled_without_a_retry()
    {
        var (run, attempt) = Running();

        Assert.Equal(CancelOutcome.Stopping, run.Cancel(T0.AddSeconds(5)));
        Assert.Equal(RunStatus.Running, run.Status);
        var settled = run.Settle(attempt, new AttemptOutcome(AttemptStatus.Cancelled, 143, "Cancelled"), null, OneRetry, "m2", T0.AddSeconds(6));

        Assert.Null(settled!.Retry);
        Assert.Equal(RunStatus.Cancelled, run.Status);
    }

    [Fact]
    public void A_run_whose_job_was_disabled_ends_skipped_before_its_first_attempt_and_cancelled_before_a_retry()
    {
        var fresh = Run.Create(1, TriggerKind.Manual, "{}", Guid.NewGuid(), T0);
        var first = fresh.Queue("m1")!;
        var (retried, attempt) = Running();
        var retry = retried.Settle(attempt, new AttemptOutcome(AttemptStatus.Failed, 1, "exit code 1"), null, OneRetry, "m2", T0.AddMinutes(1))!.Retry!;

        Assert.True(fresh.EndBeforeStart(first, "load", T0.AddMinutes(2)));
        Assert.True(retried.EndBeforeStart(retry, "load", T0.AddMinutes(2)));

        Assert.Equal((RunStatus.Skipped, "Skipped: job 'load' was disabled before the run started."), (fresh.Status, fresh.Reason));
        Assert.Equal((RunStatus.Cancelled, "Cancelled: job 'load' was disabled before attempt 2 started."), (retried.Status, retried.Reason));
        Assert.False(fresh.EndBeforeStart(first, "load", T0.AddMinutes(3)));
    }

    private static (Run Run, Attempt Attempt) Running()
    {
        var run = Run.Create(1, TriggerKind.Manual, "{}", Guid.NewGuid(), T0);
        var attempt = run.Queue("m1")!;
        Assert.True(run.Claim(attempt, "web-1", T0));
        return (run, attempt);
    }

    /// <summary>Every stored field of a run and its attempts, to show a refused transition changed none of them.</summary>
    private static string Snapshot(Run run) =>
        System.Text.Json.JsonSerializer.Serialize(new
        {
            run.Status, run.Reason, run.StartedAt, run.FinishedAt, run.CancelRequested,
            Attempts = run.Attempts.Select(a => new { a.Number, a.Status, a.StartedAt, a.FinishedAt, a.ExitCode, a.Message, a.Node, a.NotBefore }),
        });
}
