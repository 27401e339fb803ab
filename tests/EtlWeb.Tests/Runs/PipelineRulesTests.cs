using EtlWeb.Core.Jobs;
using EtlWeb.Core.Runs;

namespace EtlWeb.Tests.Runs;

/// <summary>
/// The pipeline section of DESIGN.md, rule by rule, as fast table-driven tests of Core: readiness and fan-in, the maximum
/// wait, the overlap policy, disabled jobs, the retry delay, joining a pending run, pipeline expansion and re-running
/// from the failed part.
/// </summary>
public sealed class PipelineRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan MaxWait = TimeSpan.FromHours(24);

    /// <summary>An upstream of the run being decided: in its pipeline run (with that run's status), or outside it.</summary>
    private static UpstreamView InPipeline(string name, RunStatus status) => new(name, true, status, status is RunStatus.Queued or RunStatus.Waiting or RunStatus.Running, null);

    private static UpstreamView Outside(string name, RunStatus? last, bool active = false, bool enabled = true) => new(name, enabled, null, active, last);

    public static TheoryData<string, UpstreamView[], DecisionKind, string> Readiness() => new()
    {
        { "no upstream: ready", [], DecisionKind.Start, "" },
        { "rule 2: the upstream succeeded in the same pipeline run", [InPipeline("A", RunStatus.Succeeded)], DecisionKind.Start, "" },
        { "rule 3: the upstream in the pipeline run is still going", [InPipeline("A", RunStatus.Running)], DecisionKind.Wait, "waiting for: A" },
        { "rule 3: queued counts as going", [InPipeline("A", RunStatus.Queued)], DecisionKind.Wait, "waiting for: A" },
        { "rule 3: waiting counts as going", [InPipeline("A", RunStatus.Waiting)], DecisionKind.Wait, "waiting for: A" },
        { "rule 3: failed for good in the pipeline run", [InPipeline("A", RunStatus.Failed)], DecisionKind.UpstreamFailed, "Upstream A ended Failed in this pipeline run." },
        { "rule 3: timed out", [InPipeline("A", RunStatus.TimedOut)], DecisionKind.UpstreamFailed, "Upstream A ended TimedOut in this pipeline run." },
        { "rule 3: cancelled", [InPipeline("A", RunStatus.Cancelled)], DecisionKind.UpstreamFailed, "Upstream A ended Cancelled in this pipeline run." },
        { "rule 3: failure propagates further down", [InPipeline("B", RunStatus.UpstreamFailed)], DecisionKind.UpstreamFailed, "Upstream B ended UpstreamFailed in this pipeline run." },
        { "rule 3: interrupted for good", [InPipeline("A", RunStatus.Interrupted)], DecisionKind.UpstreamFailed, "Upstream A ended Interrupted in this pipeline run." },
        { "rule 2: outside, not active and last succeeded", [Outside("D", RunStatus.Succeeded)], DecisionKind.Start, "" },
        { "rule 2: outside but queued or running", [Outside("D", RunStatus.Succeeded, active: true)], DecisionKind.Wait, "waiting for: D" },
        { "rule 3: outside and last failed", [Outside("D", RunStatus.Failed)], DecisionKind.Wait, "waiting for: D (last run Failed)" },
        { "rule 3: outside and never ran", [Outside("D", null)], DecisionKind.Wait, "waiting for: D (never ran)" },
        { "disabled upstream counts as not satisfied", [Outside("D", RunStatus.Succeeded, enabled: false)], DecisionKind.Wait, "waiting for: D (disabled)" },
        { "fan-in: every upstream must be satisfied", [InPipeline("B", RunStatus.Succeeded), Outside("D", null)], DecisionKind.Wait, "waiting for: D (never ran)" },
        { "fan-in: one failed in the pipeline run decides", [InPipeline("B", RunStatus.Failed), Outside("D", null)], DecisionKind.UpstreamFailed, "Upstream B ended Failed in this pipeline run." },
        { "fan-in: all satisfied", [InPipeline("B", RunStatus.Succeeded), Outside("D", RunStatus.Succeeded)], DecisionKind.Start, "" },
    };

    [Theory]
    [MemberData(nameof(Readiness))]
    public void A_waiting_run_is_decided_by_its_upstream_jobs(string rule, UpstreamView[] upstreams, DecisionKind kind, string reason)
    {
        var decision = WaitingRunRules.Decide(new WaitingRunFacts(null, upstreams, Now.AddHours(-1), OverlapPolicy.Skip, null), Now, MaxWait);

        Assert.True((kind, reason) == (decision.Kind, decision.Reason), $"{rule}: got {decision.Kind} '{decision.Reason}'");
    }

    [Theory]
    [InlineData(23.9, DecisionKind.Wait)]
    [InlineData(24.0, DecisionKind.Skip)]
    [InlineData(30.0, DecisionKind.Skip)]
    public void A_wait_on_an_upstream_outside_the_pipeline_run_ends_skipped_at_the_maximum_wait(double hoursWaited, DecisionKind kind)
    {
        var queued = Now.AddHours(-hoursWaited);

        var decision = WaitingRunRules.Decide(new WaitingRunFacts(null, [Outside("D", RunStatus.Failed)], queued, OverlapPolicy.Skip, null), Now, MaxWait);

        Assert.Equal(kind, decision.Kind);
        if (kind == DecisionKind.Wait)
        {
            Assert.Equal(queued + MaxWait, decision.Deadline);
        }
        else
        {
            Assert.Equal("Skipped after waiting 24 h, still waiting for: D (last run Failed)", decision.Reason);
        }
    }

    [Fact]
    public void A_wait_inside_the_pipeline_run_has_no_deadline_however_long_it_lasts()
    {
        var decision = WaitingRunRules.Decide(new WaitingRunFacts(null, [InPipeline("A", RunStatus.Running)], Now.AddDays(-3), OverlapPolicy.Skip, null), Now, MaxWait);

        Assert.Equal((DecisionKind.Wait, (DateTimeOffset?)null), (decision.Kind, decision.Deadline));
    }

    [Theory]
    [InlineData(OverlapPolicy.Skip, null, DecisionKind.Start, "")]
    [InlineData(OverlapPolicy.Skip, 7L, DecisionKind.Skip, "Skipped by the overlap policy Skip: run #7 of this job was still running.")]
    [InlineData(OverlapPolicy.Queue, 7L, DecisionKind.Wait, "waiting for run #7 of this job to finish")]
    [InlineData(OverlapPolicy.Allow, 7L, DecisionKind.Start, "")]
    public void A_ready_run_meets_the_overlap_policy_of_its_job(OverlapPolicy policy, long? otherRunning, DecisionKind kind, string reason)
    {
        var decision = WaitingRunRules.Decide(new WaitingRunFacts(null, [], Now, policy, otherRunning), Now, MaxWait);

        Assert.Equal((kind, reason), (decision.Kind, decision.Reason));
    }

    [Fact]
    public void A_run_of_a_disabled_job_is_skipped_whatever_its_upstream_jobs_say()
    {
        var decision = WaitingRunRules.Decide(new WaitingRunFacts("load", [InPipeline("A", RunStatus.Succeeded)], Now, OverlapPolicy.Allow, null), Now, MaxWait);

        Assert.Equal((DecisionKind.Skip, "Skipped: job 'load' is disabled."), (decision.Kind, decision.Reason));
    }

    [Theory]
    [InlineData(AttemptStatus.Failed, 1, false, 10.0)]
    [InlineData(AttemptStatus.TimedOut, 2, false, 20.0)]
    [InlineData(AttemptStatus.Interrupted, 3, false, 40.0)]
    [InlineData(AttemptStatus.Failed, 4, false, null)]
    [InlineData(AttemptStatus.Succeeded, 1, false, null)]
    [InlineData(AttemptStatus.Cancelled, 1, false, null)]
    [InlineData(AttemptStatus.Failed, 1, true, null)]
    public void An_attempt_is_retried_after_the_delay_times_the_backoff_per_retry_until_the_retries_are_used(
        AttemptStatus outcome, int attemptNumber, bool cancelRequested, double? seconds)
    {
        var job = new Job { MaxRetries = 3, RetryDelaySeconds = 10, RetryBackoff = 2 };

        var delay = RetryRules.DelayBeforeRetry(job, attemptNumber, outcome, cancelRequested);

        Assert.Equal(seconds is { } s ? TimeSpan.FromSeconds(s) : null, delay);
    }

    [Theory]
    [InlineData(OverlapPolicy.Skip, false, true)]
    [InlineData(OverlapPolicy.Queue, false, true)]
    [InlineData(OverlapPolicy.Allow, false, false)]
    [InlineData(OverlapPolicy.Skip, true, false)]
    public void Rule_4_a_trigger_joins_the_pending_run_unless_the_policy_is_allow_or_it_brings_input(OverlapPolicy policy, bool input, bool joins) =>
        Assert.Equal(joins, PipelinePlanner.JoinsPendingRun(policy, input));

    [Fact]
    public void Rule_1_a_pipeline_run_is_the_job_and_its_manual_enabled_downstream_jobs_transitively()
    {
        // A -> B (manual) -> C (manual); A -> S (scheduled) -> T (manual); B -> X (disabled) -> Y (manual)
        var jobs = new Dictionary<int, Job>
        {
            [1] = new() { Name = "A" }, [2] = new() { Name = "B" }, [3] = new() { Name = "C" },
            [4] = new() { Name = "S", ScheduleKind = ScheduleKind.Cron }, [5] = new() { Name = "T" },
            [6] = new() { Name = "X", Enabled = false }, [7] = new() { Name = "Y" },
        };
        var edges = new[] { (1, 2), (2, 3), (1, 4), (4, 5), (2, 6), (6, 7) }.ToLookup(e => e.Item1, e => e.Item2);

        Assert.Equal([1, 2, 3], PipelinePlanner.Expand(1, jobs, edges, withDownstream: true).Order());
        Assert.Equal([1], PipelinePlanner.Expand(1, jobs, edges, withDownstream: false));
        Assert.Equal([1, 2, 3, 4, 5, 6, 7], PipelinePlanner.Reachable([1], edges).Order());
    }

    [Fact]
    public void Re_running_from_the_failed_part_takes_each_jobs_latest_run_that_ended_without_success()
    {
        PipelineMember[] members =
        [
            new(1, 10, RunStatus.Succeeded),
            new(2, 11, RunStatus.Failed),
            new(3, 12, RunStatus.UpstreamFailed),
            new(4, 13, RunStatus.Failed), new(4, 20, RunStatus.Succeeded),
            new(5, 14, RunStatus.Running),
            new(6, 15, RunStatus.Skipped),
        ];

        Assert.Equal([2, 3, 6], RerunPlanner.JobsToRerun(members).Order());
    }
}
