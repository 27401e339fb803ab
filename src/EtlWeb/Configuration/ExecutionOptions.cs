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
    [Description("On a graceful stop (SIGTERM, Ctrl+C, docker stop) no new attempt starts; with StopPolicy Drain or Kill, running ones may finish within this many seconds first.")]
    public int ShutdownGraceSeconds { get; init; } = 30;

    [Description("What a graceful stop does with running attempts. Detach: they run on, their output kept in the data directory, and the next start of this node follows them to their end. Drain: they get ShutdownGraceSeconds to end, then the rest is detached. Kill: after that grace their trees are stopped and they are recorded Interrupted (retried per their job's policy). Any case, e.g. drain.")]
    public StopPolicy StopPolicy { get; init; } = StopPolicy.Detach;

    [Range(1024, long.MaxValue)]
    [Description("Log bytes stored per attempt; past it a truncation line is written and the rest is dropped.")]
    public long MaxLogBytesPerAttempt { get; init; } = 256L * 1024 * 1024;

    [Range(16, 16L * 1024 * 1024)]
    [Description("Bytes a job's process may write to its ETL_OUTPUT file per attempt; past it the outputs are refused and an attempt that succeeded ends Failed saying so.")]
    public long MaxOutputBytesPerAttempt { get; init; } = 64 * 1024;

    [Range(1, 100000)]
    [Description("Items a for-each job's list may hold; a longer list is refused whole (the for-each run ends Failed saying so) and nothing of it starts.")]
    public int MaxForEachItems { get; init; } = 1000;

    [Description("Measure and limit each attempt in a cgroup of its own where this machine allows it (root, or a delegated cgroup v2). false: always account from the process tree, and enforce no memory limit. Read at start.")]
    public bool UseCgroups { get; init; } = true;

    [PassedVariables]
    [Description("Variables of EtlWeb's own environment that jobs inherit besides PATH, HOME, USER, LOGNAME, SHELL, LANG, LANGUAGE, LC_*, TZ, TMPDIR, TERM and HOSTNAME: names separated by ',', a trailing * matches any ending (AWS_*). EtlWeb__*, ConnectionStrings__*, ASPNETCORE_*, DOTNET_*, Kestrel__* and Serilog__* are never passed on.")]
    public string PassEnvironment { get; init; } = "";
}

/// <summary>What a graceful stop does with the attempts running on this node (EtlWeb:StopPolicy).</summary>
public enum StopPolicy
{
    /// <summary>Leave them running for the next start to adopt.</summary>
    Detach,

    /// <summary>Wait up to the shutdown grace for them to end, then detach the rest.</summary>
    Drain,

    /// <summary>Stop their trees after the shutdown grace and record them Interrupted.</summary>
    Kill,
}

/// <summary>This process as a node: the <c>EtlWeb:Node</c> section.</summary>
public sealed record NodeOptions
{
    [Description("This node's name, recorded on the attempts it runs; empty means the machine name.")]
    public string Name { get; init; } = "";

    [Description("web: UI, API, scheduler and workers; worker: workers only (no UI, API or scheduler; /health answers). A worker needs Database:Provider PostgreSql, shared with a web node.")]
    public NodeRole Role { get; init; } = NodeRole.Web;

    [Description("Whether this node's workers take attempts from the queue. false: a web node that leaves every attempt to the worker nodes (PostgreSql only).")]
    public bool RunsAttempts { get; init; } = true;

    [Range(1, 3600)]
    [Description("Seconds between this node's heartbeats in the database (the Nodes page shows them).")]
    public int HeartbeatSeconds { get; init; } = 5;

    [Range(2, 86400)]
    [Description("A node silent for this many seconds is lost: its running attempts are recorded Interrupted and retried per their job's policy on another node. More than two heartbeats.")]
    public int LostAfterSeconds { get; init; } = 30;

    public string EffectiveName => Name.Length > 0 ? Name : Environment.MachineName;

    public bool IsWorker => Role == NodeRole.Worker;
}

/// <summary>What a node does (EtlWeb:Node:Role).</summary>
public enum NodeRole
{
    /// <summary>UI, API, the scheduler (when it holds the lease) and workers.</summary>
    Web,

    /// <summary>Workers only: runs attempts from the shared queue.</summary>
    Worker,
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

    [Range(0, 36500)]
    [Description("Audit log entries older than this many days are purged; 0 keeps all.")]
    public int AuditDays { get; init; } = 365;

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
