namespace EtlWeb.Core.Runs;

public enum RunStatus
{
    Queued,
    Waiting,
    Running,
    Succeeded,
    Failed,
    TimedOut,
    Cancelled,
    Skipped,
    UpstreamFailed,
    Interrupted,
}

public enum TriggerKind
{
    Manual,
    Schedule,
    Upstream,
    Api,
    CatchUp,

    /// <summary>Another system called the job's webhook (<c>POST /api/hooks/{token}</c>).</summary>
    Webhook,

    /// <summary>A backfill started it for one due time of a past range.</summary>
    Backfill,

    /// <summary>One item of a for-each run.</summary>
    ForEach,

    /// <summary>Another scheduler ran it: an execution imported from the desktop tool's database.</summary>
    Imported,
}

public static class RunStatusExtensions
{
    /// <summary>A run that has not started a process yet.</summary>
    public static bool IsPending(this RunStatus status) => status is RunStatus.Queued or RunStatus.Waiting;
}
