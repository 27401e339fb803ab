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
}

public static class RunStatusExtensions
{
    /// <summary>Terminal statuses never change once reached.</summary>
    public static bool IsTerminal(this RunStatus status) => status is
        RunStatus.Succeeded or RunStatus.Failed or RunStatus.TimedOut or RunStatus.Cancelled
        or RunStatus.Skipped or RunStatus.UpstreamFailed or RunStatus.Interrupted;

    /// <summary>A run that has not started a process yet.</summary>
    public static bool IsPending(this RunStatus status) => status is RunStatus.Queued or RunStatus.Waiting;
}
