using EtlWeb.Core.Jobs;
using EtlWeb.Core.Runs;

namespace EtlWeb.Tests.Support;

/// <summary>
/// Runs of the past for tests that read history, built the only way a run is built: through Core's transitions
/// (created Waiting, queued, claimed, settled), with the times given.
/// </summary>
internal static class SeededRuns
{
    private static readonly Job NoRetries = new() { MaxRetries = 0 };

    /// <summary>
    /// A run of <paramref name="jobId"/> now in <paramref name="status"/>; its attempt number <paramref name="attempt"/>
    /// (earlier ones failed and were retried at once) started at <paramref name="started"/>.
    /// </summary>
    public static Run InStatus(
        int jobId, RunStatus status, DateTimeOffset queued, DateTimeOffset? started = null, DateTimeOffset? finished = null,
        string? reason = null, TriggerKind trigger = TriggerKind.Manual, string snapshot = "{}", int attempt = 1)
    {
        var run = Run.Create(jobId, trigger, snapshot, Guid.NewGuid(), queued);
        var end = finished ?? queued;
        switch (status)
        {
            case RunStatus.Waiting:
                run.KeepWaiting(reason ?? "waiting");
                return run;
            case RunStatus.Skipped:
                run.Skip(reason ?? "skipped", end);
                return run;
            case RunStatus.UpstreamFailed:
                run.FailUpstream(reason ?? "upstream failed", end);
                return run;
        }

        var current = run.Queue(Guid.NewGuid().ToString("N"))!;
        if (status == RunStatus.Queued)
        {
            return run;
        }

        var retries = new Job { MaxRetries = attempt - 1 };
        while (current.Number < attempt)
        {
            run.Claim(current, "test-node", queued);
            current = run.Settle(current, new AttemptOutcome(AttemptStatus.Failed, 1, "exit code 1"), null, retries, Guid.NewGuid().ToString("N"), queued)!.Retry!;
        }

        run.Claim(current, "test-node", started ?? queued);
        if (status != RunStatus.Running)
        {
            var outcome = status switch
            {
                RunStatus.Succeeded => new AttemptOutcome(AttemptStatus.Succeeded, 0, "exit code 0"),
                RunStatus.TimedOut => new AttemptOutcome(AttemptStatus.TimedOut, null, reason ?? "timed out"),
                RunStatus.Cancelled => new AttemptOutcome(AttemptStatus.Cancelled, null, reason ?? "cancelled"),
                RunStatus.Interrupted => new AttemptOutcome(AttemptStatus.Interrupted, null, reason ?? "interrupted"),
                _ => new AttemptOutcome(AttemptStatus.Failed, 1, reason ?? "exit code 1"),
            };
            run.Settle(current, outcome, null, NoRetries, "unused", end);
        }

        return run;
    }
}
