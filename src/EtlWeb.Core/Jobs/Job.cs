namespace EtlWeb.Core.Jobs;

/// <summary>
/// A job definition: what to run, when, how, and who hears about it.
/// Persisted as is by the web host; dependencies are kept as separate edges.
/// </summary>
public sealed class Job
{
    public int Id { get; set; }

    public string Name { get; set; } = "";

    public string Description { get; set; } = "";

    /// <summary>The folder path the job lives in (<c>finance/daily</c>); empty for the root (<see cref="FolderPath"/>).</summary>
    public string Folder { get; set; } = "";

    public JobKind Kind { get; set; } = JobKind.Shell;

    /// <summary>The command line; empty when the job runs an inline script.</summary>
    public string Command { get; set; } = "";

    /// <summary>An inline script edited in the browser; empty when the job runs a command.</summary>
    public string Script { get; set; } = "";

    /// <summary>Python interpreter or SQL client; empty means the kind's default.</summary>
    public string Interpreter { get; set; } = "";

    public string WorkingDirectory { get; set; } = "";

    public Dictionary<string, string> Environment { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Names of <see cref="Environment"/> variables whose values are secret.</summary>
    public List<string> SecretEnvironment { get; set; } = [];

    /// <summary>For a Python job: the lines of its requirements file, installed into a shared virtual environment; empty = none.</summary>
    public List<string> Requirements { get; set; } = [];

    /// <summary>The values a run takes (<see cref="Parameters.ParameterRules"/>), in the order the run form offers them.</summary>
    public List<Parameters.JobParameter> Parameters { get; set; } = [];

    /// <summary>For a for-each job: the upstream job whose list output it runs once per item of; empty otherwise.</summary>
    public string ForEachJob { get; set; } = "";

    /// <summary>For a for-each job: the key of that upstream's output holding the list.</summary>
    public string ForEachOutput { get; set; } = "";

    /// <summary>For a for-each job: at most this many items run at once.</summary>
    public int ForEachMaxParallel { get; set; }

    public bool IsForEach => ForEachJob.Length > 0;

    public int TimeoutSeconds { get; set; }

    /// <summary>Ends an attempt TimedOut when its process wrote no line for this long; 0 = off.</summary>
    public int StallTimeoutSeconds { get; set; }

    /// <summary>The most memory the attempt's process tree may use, in MiB; 0 = no limit (needs a cgroup per attempt).</summary>
    public int MemoryLimitMb { get; set; }

    /// <summary>The most CPU time (user and system) the attempt's process tree may use, in seconds; 0 = no limit.</summary>
    public int CpuLimitSeconds { get; set; }

    /// <summary>For an SQL job: the named connection whose client runs its SQL; empty = the job's own client line.</summary>
    public string Connection { get; set; } = "";

    /// <summary>The pool whose slots the job's attempts take; empty = none.</summary>
    public string Pool { get; set; } = "";

    /// <summary>How many of its pool's slots an attempt takes.</summary>
    public int PoolSlots { get; set; } = 1;

    /// <summary>Among ready attempts, the higher priority starts first (then the older).</summary>
    public int Priority { get; set; }

    public int MaxRetries { get; set; }

    public int RetryDelaySeconds { get; set; }

    /// <summary>Multiplier applied to the retry delay for each further retry (1 = constant delay).</summary>
    public double RetryBackoff { get; set; } = 1.0;

    public ScheduleKind ScheduleKind { get; set; } = ScheduleKind.Manual;

    public string CronExpression { get; set; } = "";

    /// <summary>IANA time zone id for cron schedules; empty means the server's zone.</summary>
    public string TimeZone { get; set; } = "";

    public int IntervalMinutes { get; set; }

    /// <summary>The business calendar whose days a Cron or Interval schedule does not fire on; empty = none.</summary>
    public string Calendar { get; set; } = "";

    /// <summary>What a fire that falls on a calendar day does: skip it, or move it to the next day not in the calendar.</summary>
    public CalendarRule CalendarRule { get; set; } = CalendarRule.Skip;

    public string NotifyEmail { get; set; } = "";

    public bool NotifyOnSuccess { get; set; }

    public bool NotifyOnFailure { get; set; } = true;

    public bool NotifySlack { get; set; }

    /// <summary>Notify on the first success after one or more failed runs.</summary>
    public bool NotifyOnRecovery { get; set; }

    /// <summary>Notify once when this many runs in a row have failed; 0 = off.</summary>
    public int NotifyFailureStreak { get; set; }

    /// <summary>Notify once per run when an attempt runs longer than this multiple of the job's p95 duration; 0 = off.</summary>
    public double NotifyLongRunning { get; set; }

    /// <summary>Notify when a scheduled fire produced no run within the grace period.</summary>
    public bool NotifyMissed { get; set; }

    public bool Enabled { get; set; } = true;

    public OverlapPolicy OverlapPolicy { get; set; } = OverlapPolicy.Skip;

    public MisfirePolicy MisfirePolicy { get; set; } = MisfirePolicy.RunOnce;

    /// <summary>Designer position; null until the node is placed.</summary>
    public double? DesignerX { get; set; }

    public double? DesignerY { get; set; }

    /// <summary>The number of the job's latest <see cref="JobRevision"/>; 0 while none is stored (a job older than revisions).</summary>
    public int Revision { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
