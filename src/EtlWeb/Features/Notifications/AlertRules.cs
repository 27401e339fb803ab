using EtlWeb.Core.Jobs;
using EtlWeb.Core.Runs;
using EtlWeb.Data;

namespace EtlWeb.Features.Notifications;

/// <summary>An alert to send about a run, with the sentence that says why.</summary>
public sealed record Alert(NotificationKind Kind, string Detail);

/// <summary>
/// Which message a finished run earns, from the job's switches and the runs before it. One message per run: a
/// recovery replaces the success message and a streak replaces the failure message, as they say more.
/// </summary>
public static class AlertRules
{
    /// <summary>Statuses that count as a failure for notifications and streaks; Skipped counts as nothing.</summary>
    public static bool IsFailure(RunStatus status) => status is
        RunStatus.Failed or RunStatus.TimedOut or RunStatus.Cancelled or RunStatus.UpstreamFailed or RunStatus.Interrupted;

    /// <param name="earlier">The job's earlier finished runs, newest first, Skipped ones left out.</param>
    public static Alert? ForFinishedRun(Job job, RunStatus status, IReadOnlyList<RunStatus> earlier)
    {
        var failuresBefore = earlier.TakeWhile(IsFailure).Count();
        if (status == RunStatus.Succeeded)
        {
            if (job.NotifyOnRecovery && failuresBefore > 0)
            {
                return new Alert(NotificationKind.Recovered, $"First success after {Runs(failuresBefore)} that failed.");
            }

            return job.NotifyOnSuccess ? new Alert(NotificationKind.Success, "") : null;
        }

        if (!IsFailure(status))
        {
            return null;
        }

        // Exactly N, not N or more: the alert goes out once per streak, and a success starts the count again.
        if (job.NotifyFailureStreak > 1 && failuresBefore + 1 == job.NotifyFailureStreak)
        {
            return new Alert(NotificationKind.Streak, $"{job.NotifyFailureStreak} runs in a row have failed.");
        }

        return job.NotifyOnFailure ? new Alert(NotificationKind.Failure, "") : null;
    }

    /// <summary>The 95th percentile (nearest rank) of the durations; null without any.</summary>
    public static TimeSpan? P95(IReadOnlyList<TimeSpan> durations)
    {
        if (durations.Count == 0)
        {
            return null;
        }

        var sorted = durations.Order().ToList();
        var rank = (int)Math.Ceiling(0.95 * sorted.Count);
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }

    private static string Runs(int count) => count == 1 ? "1 run" : $"{count} runs";

    /// <summary>
    /// How long the alert watch may sleep after a look at <paramref name="now"/>, unless an attempt is queued or a job
    /// changes meanwhile: until the first watched fire not yet checked (<paramref name="nextWatchedFire"/>, after
    /// now minus the grace) could be reported missed, its due time plus the grace; without end when no job is watched.
    /// Zero, so it looks at its next tick, while attempts are queued or running (one may outlast its usual duration)
    /// or on a cluster, where other nodes run attempts this one does not hear of.
    /// </summary>
    public static TimeSpan QuietFor(bool active, bool cluster, DateTimeOffset now, DateTimeOffset? nextWatchedFire, TimeSpan grace)
    {
        if (active || cluster)
        {
            return TimeSpan.Zero;
        }

        return nextWatchedFire is { } fire ? Max(fire + grace - now, TimeSpan.Zero) : Timeout.InfiniteTimeSpan;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
