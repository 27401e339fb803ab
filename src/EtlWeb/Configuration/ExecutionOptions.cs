using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace EtlWeb.Configuration;

/// <summary>The engine's settings, read from the <c>EtlWeb</c> section (EtlWeb:MaxConcurrentJobs, ...).</summary>
public sealed record ExecutionOptions
{
    [Range(1, 256)]
    [Description("Hangfire workers: at most this many attempts run at once on this node. The Settings page can change it while running.")]
    public int MaxConcurrentJobs { get; init; } = 5;

    [Range(0, 600)]
    [Description("Seconds between SIGTERM and SIGKILL when a timeout or cancel stops a process tree.")]
    public int KillGraceSeconds { get; init; } = 5;

    [Range(0, 86400)]
    [Description("On a graceful stop (SIGTERM, Ctrl+C, docker stop) no new attempt starts; running ones may finish within this many seconds, then their trees are stopped and they are recorded Interrupted.")]
    public int ShutdownGraceSeconds { get; init; } = 30;

    [Range(1024, long.MaxValue)]
    [Description("Log bytes stored per attempt; past it a truncation line is written and the rest is dropped.")]
    public long MaxLogBytesPerAttempt { get; init; } = 256L * 1024 * 1024;
}

/// <summary>This process as a node: the <c>EtlWeb:Node</c> section.</summary>
public sealed record NodeOptions
{
    [Description("This node's name, recorded on the attempts it runs; empty means the machine name.")]
    public string Name { get; init; } = "";

    public string EffectiveName => Name.Length > 0 ? Name : Environment.MachineName;
}

/// <summary>How much history is kept: the <c>EtlWeb:Retention</c> section.</summary>
public sealed record RetentionOptions
{
    [Range(0, int.MaxValue)]
    [Description("Finished runs kept per job, newest first; 0 keeps all.")]
    public int RunsPerJob { get; init; } = 500;

    [Range(0, 36500)]
    [Description("Finished runs older than this many days are purged; 0 keeps all.")]
    public int Days { get; init; } = 30;

    [Range(1, 1440)]
    [Description("How often, in minutes, the purge runs.")]
    public int IntervalMinutes { get; init; } = 60;
}

/// <summary>The <c>EtlWeb:Scheduler</c> section.</summary>
public sealed record SchedulerOptions
{
    [Range(1, 525600)]
    [Description("Minutes a run waits for an upstream outside its pipeline that last failed or never ran, before it is Skipped.")]
    public int MaxUpstreamWaitMinutes { get; init; } = 24 * 60;
}
