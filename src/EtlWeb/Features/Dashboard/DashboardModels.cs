using EtlWeb.Core.Runs;

namespace EtlWeb.Features.Dashboard;

/// <summary>A run going now; <paramref name="TypicalDuration"/> is null when the job has no successful run to compare with.</summary>
public sealed record RunningRun(long RunId, int JobId, string JobName, DateTimeOffset StartedAt, int AttemptNumber, TimeSpan? TypicalDuration);

/// <summary>
/// Today's runs (queued since midnight in the viewer's zone). The success rate counts runs that ended
/// Succeeded against those that ended in a failure; cancelled and skipped runs are neither.
/// </summary>
public sealed record TodaySummary(int Runs, int Succeeded, int Failed, int Active)
{
    public double? SuccessRate => Succeeded + Failed == 0 ? null : (double)Succeeded / (Succeeded + Failed);
}

/// <summary>A job whose latest run ended in a failure.</summary>
public sealed record AttentionItem(long RunId, int JobId, string JobName, RunStatus Status, DateTimeOffset? FinishedAt, string? Reason);

/// <summary>A job's next scheduled fire within the window and how many fires it has in the window in all.</summary>
public sealed record UpcomingFire(int JobId, string JobName, DateTimeOffset At, int FiresInWindow, string JobTimeZone, bool WillBeSkipped);

/// <summary>Runs queued in one hour of the last 24, by how they ended.</summary>
public sealed record HourlyRuns(DateTimeOffset HourStart, int Succeeded, int Failed, int Other);

public sealed record DashboardSnapshot(
    IReadOnlyList<RunningRun> Running,
    TodaySummary Today,
    IReadOnlyList<AttentionItem> Attention,
    IReadOnlyList<UpcomingFire> Upcoming,
    IReadOnlyList<HourlyRuns> PerHour);

/// <summary>
/// What the server's first render of the dashboard read, handed to the live page in the prerendered HTML: the page shows
/// it at once and reads again only if a run or a job changed since (<paramref name="Changes"/>) or the viewer's zone
/// or folder is another.
/// </summary>
public sealed record DashboardPrerender(DashboardSnapshot Snapshot, IReadOnlyList<string> Folders, string Folder, string ZoneId, long Changes);

public static class DashboardStatuses
{
    /// <summary>The endings that need someone to look: the job did not do its work.</summary>
    public static bool IsFailure(RunStatus status) =>
        status is RunStatus.Failed or RunStatus.TimedOut or RunStatus.Interrupted or RunStatus.UpstreamFailed;
}
