namespace EtlWeb.Core.Runs;

/// <summary>Where one process launch of a run stands. An attempt never waits, is never skipped nor fails upstream: its run does.</summary>
public enum AttemptStatus
{
    Queued,
    Running,
    Succeeded,
    Failed,
    TimedOut,
    Cancelled,
    Interrupted,
}
