using System.ComponentModel.DataAnnotations;

namespace EtlWeb.Configuration;

/// <summary>The engine's settings, read from the <c>EtlWeb</c> section (EtlWeb:MaxConcurrentJobs, ...).</summary>
public sealed record ExecutionOptions
{
    /// <summary>Hangfire worker count: at most this many attempts run at once on this node.</summary>
    [Range(1, 256)]
    public int MaxConcurrentJobs { get; init; } = 5;

    /// <summary>Between SIGTERM and SIGKILL when a timeout or cancel stops a process tree.</summary>
    [Range(0, 600)]
    public int KillGraceSeconds { get; init; } = 5;

    /// <summary>
    /// On a graceful stop (SIGTERM, Ctrl+C), how long running attempts may go on before their process trees are
    /// stopped and the attempts recorded Interrupted; no new attempt starts meanwhile.
    /// </summary>
    [Range(0, 86400)]
    public int ShutdownGraceSeconds { get; init; } = 30;

    /// <summary>Log bytes stored per attempt; past it a truncation marker is written and the rest is dropped.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxLogBytesPerAttempt { get; init; } = 256L * 1024 * 1024;
}

/// <summary>This process as a node: the <c>EtlWeb:Node</c> section.</summary>
public sealed record NodeOptions
{
    /// <summary>Recorded on the attempts this node runs; defaults to the machine name.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Name { get; init; } = Environment.MachineName;
}

/// <summary>How much history is kept: the <c>EtlWeb:Retention</c> section.</summary>
public sealed record RetentionOptions
{
    /// <summary>Finished runs kept per job (newest first); 0 keeps all.</summary>
    [Range(0, int.MaxValue)]
    public int RunsPerJob { get; init; } = 500;

    /// <summary>Finished runs older than this many days are purged; 0 keeps all.</summary>
    [Range(0, 36500)]
    public int Days { get; init; } = 30;

    [Range(1, 1440)]
    public int IntervalMinutes { get; init; } = 60;
}

/// <summary>The <c>EtlWeb:Scheduler</c> section.</summary>
public sealed record SchedulerOptions
{
    /// <summary>How long a run waits for an upstream outside its pipeline that last failed or never ran, before it is Skipped.</summary>
    [Range(1, 525600)]
    public int MaxUpstreamWaitMinutes { get; init; } = 24 * 60;
}
