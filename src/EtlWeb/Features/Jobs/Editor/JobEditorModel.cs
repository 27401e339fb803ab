using EtlWeb.Core.Jobs;

namespace EtlWeb.Features.Jobs.Editor;

/// <summary>
/// The editor's working copy of a job: every field of the job document, in the shapes the inputs bind to.
/// It becomes a <see cref="JobDocument"/> for validation and saving, so the catalogue's rules judge it.
/// </summary>
public sealed class JobEditorModel
{
    public string Name { get; set; } = "";

    public string Description { get; set; } = "";

    /// <summary>The folder path; empty for the root.</summary>
    public string Folder { get; set; } = "";

    public string JobType { get; set; } = "shell";

    /// <summary>True when the job runs the inline script, false when it runs the command line.</summary>
    public bool UseScript { get; set; }

    public string Command { get; set; } = "";

    public string Script { get; set; } = "";

    public string Interpreter { get; set; } = "";

    /// <summary>A Python job's requirements, one per line as in requirements.txt; blank lines are dropped on saving.</summary>
    public string Requirements { get; set; } = "";

    public string WorkingDirectory { get; set; } = "";

    public EnvironmentState Environment { get; private set; } = new();

    public int TimeoutSeconds { get; set; }

    public int StallTimeoutSeconds { get; set; }

    public int MemoryLimitMb { get; set; }

    public int CpuLimitSeconds { get; set; }

    /// <summary>For an SQL job: the connection whose client runs its SQL; empty for its own client line.</summary>
    public string Connection { get; set; } = "";

    public string Pool { get; set; } = "";

    public int PoolSlots { get; set; } = 1;

    public int Priority { get; set; }

    public int MaxRetries { get; set; }

    public int RetryDelaySeconds { get; set; }

    public double RetryBackoff { get; set; } = 1;

    public string ScheduleType { get; set; } = "manual";

    public string CronExpression { get; set; } = "";

    public string TimeZone { get; set; } = "";

    /// <summary>An hour until the user says otherwise, so switching to Interval starts from a sensible value.</summary>
    public int IntervalMinutes { get; set; } = 60;

    public List<string> Dependencies { get; private set; } = [];

    /// <summary>Whether the job runs once per item of an upstream's list output, and which upstream, output and width.</summary>
    public bool ForEach { get; set; }

    public string ForEachJob { get; set; } = "";

    public string ForEachOutput { get; set; } = "";

    public int ForEachMaxParallel { get; set; } = ForEachDocument.DefaultMaxParallel;

    /// <summary>Each upstream link's kind and condition, by upstream name; a name without an entry runs on success.</summary>
    public Dictionary<string, LinkRow> Links { get; private set; } = new(StringComparer.Ordinal);

    public List<ParameterRow> Parameters { get; private set; } = [];

    public string NotifyEmail { get; set; } = "";

    public bool NotifyOnSuccess { get; set; }

    public bool NotifyOnFailure { get; set; } = true;

    public bool NotifySlack { get; set; }

    public bool NotifyOnRecovery { get; set; }

    /// <summary>Failed runs in a row that send one alert; 0 = off.</summary>
    public int NotifyFailureStreak { get; set; }

    /// <summary>Multiple of the usual (p95) duration; 0 = off.</summary>
    public double NotifyLongRunning { get; set; }

    public bool NotifyMissed { get; set; }

    public bool Enabled { get; set; } = true;

    public string OverlapPolicy { get; set; } = "skip";

    public string MisfirePolicy { get; set; } = "run_once";

    /// <summary>The business calendar whose days the schedule keeps clear of; empty for none.</summary>
    public string Calendar { get; set; } = "";

    public string CalendarRule { get; set; } = "skip";

    /// <summary>Kept as loaded: the designer owns the position.</summary>
    public double? DesignerX { get; private set; }

    public double? DesignerY { get; private set; }

    public static JobEditorModel From(JobDocument job) => new()
    {
        Name = job.Name ?? "",
        Description = job.Description ?? "",
        Folder = job.Folder ?? "",
        JobType = job.JobType ?? "shell",
        UseScript = string.IsNullOrWhiteSpace(job.Command) && !string.IsNullOrEmpty(job.Script),
        Command = job.Command ?? "",
        Script = job.Script ?? "",
        Interpreter = job.Interpreter ?? "",
        Requirements = string.Join("\n", (job.Requirements ?? []).OfType<string>()),
        WorkingDirectory = job.WorkingDirectory ?? "",
        Environment = EnvironmentState.FromDocument(job.Environment, job.SecretEnvironment),
        TimeoutSeconds = job.TimeoutSeconds ?? 0,
        StallTimeoutSeconds = job.StallTimeoutSeconds ?? 0,
        MemoryLimitMb = job.MemoryLimitMb ?? 0,
        CpuLimitSeconds = job.CpuLimitSeconds ?? 0,
        Connection = job.Connection ?? "",
        Pool = job.Pool ?? "",
        PoolSlots = job.PoolSlots ?? 1,
        Priority = job.Priority ?? 0,
        MaxRetries = job.MaxRetries ?? 0,
        RetryDelaySeconds = job.RetryDelaySeconds ?? 0,
        RetryBackoff = job.RetryBackoff ?? 1,
        ScheduleType = job.ScheduleType ?? "manual",
        CronExpression = job.CronExpression ?? "",
        TimeZone = job.TimeZone ?? "",
        IntervalMinutes = job.IntervalMinutes is > 0 and var minutes ? minutes : 60,
        Dependencies = [.. job.UpstreamNames()],
        Links = (job.Dependencies ?? []).OfType<DependencyDocument>().Where(d => d.Job is not null)
            .DistinctBy(d => d.Job).ToDictionary(d => d.Job!, LinkRow.From, StringComparer.Ordinal),
        Parameters = [.. (job.Parameters ?? []).Select(ParameterRow.From)],
        ForEach = job.ForEach is not null,
        ForEachJob = job.ForEach?.Job ?? "",
        ForEachOutput = job.ForEach?.Output ?? "",
        ForEachMaxParallel = job.ForEach?.MaxParallel ?? ForEachDocument.DefaultMaxParallel,
        NotifyEmail = job.NotifyEmail ?? "",
        NotifyOnSuccess = job.NotifyOnSuccess ?? false,
        NotifyOnFailure = job.NotifyOnFailure ?? true,
        NotifySlack = job.NotifySlack ?? false,
        NotifyOnRecovery = job.NotifyOnRecovery ?? false,
        NotifyFailureStreak = job.NotifyFailureStreak ?? 0,
        NotifyLongRunning = job.NotifyLongRunning ?? 0,
        NotifyMissed = job.NotifyMissed ?? false,
        Enabled = job.Enabled ?? true,
        OverlapPolicy = job.OverlapPolicy ?? "skip",
        MisfirePolicy = job.MisfirePolicy ?? "run_once",
        Calendar = job.Calendar ?? "",
        CalendarRule = job.CalendarRule ?? "skip",
        DesignerX = job.DesignerX,
        DesignerY = job.DesignerY,
    };

    /// <summary>The document to validate or save; <paramref name="dependencies"/> replaces the model's list to try a change first.</summary>
    public JobDocument ToDocument(IReadOnlyList<string>? dependencies = null)
    {
        var (environment, secrets) = Environment.ToDocument();
        return new JobDocument
        {
            Name = Name,
            Description = Description,
            Folder = Folder,
            JobType = JobType,
            Command = UseScript ? "" : Command,
            Script = UseScript ? Script : "",
            Interpreter = Interpreter,

            // Only a Python job has requirements: lines left from before a change of type are not the job's.
            Requirements = JobType == "python" ? [.. Requirements.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)] : [],
            WorkingDirectory = WorkingDirectory,
            Environment = environment,
            SecretEnvironment = secrets,
            TimeoutSeconds = TimeoutSeconds,
            StallTimeoutSeconds = StallTimeoutSeconds,
            MemoryLimitMb = MemoryLimitMb,
            CpuLimitSeconds = CpuLimitSeconds,
            Connection = JobType == "sql" ? Connection : "",
            Pool = Pool,
            PoolSlots = PoolSlots,
            Priority = Priority,
            MaxRetries = MaxRetries,
            RetryDelaySeconds = RetryDelaySeconds,
            RetryBackoff = RetryBackoff,
            ScheduleType = ScheduleType,
            CronExpression = CronExpression,
            TimeZone = TimeZone,
            IntervalMinutes = IntervalMinutes,
            Dependencies = [.. (dependencies ?? Dependencies).Select(name => Links.TryGetValue(name, out var link) ? link.ToDocument(name) : (DependencyDocument)name)],
            Parameters = [.. Parameters.Select(p => p.ToDocument())],
            ForEach = ForEach ? new ForEachDocument { Job = ForEachJob, Output = ForEachOutput, MaxParallel = ForEachMaxParallel } : null,
            NotifyEmail = NotifyEmail,
            NotifyOnSuccess = NotifyOnSuccess,
            NotifyOnFailure = NotifyOnFailure,
            NotifySlack = NotifySlack,
            NotifyOnRecovery = NotifyOnRecovery,
            NotifyFailureStreak = NotifyFailureStreak,
            NotifyLongRunning = NotifyLongRunning,
            NotifyMissed = NotifyMissed,
            Enabled = Enabled,
            OverlapPolicy = OverlapPolicy,
            MisfirePolicy = MisfirePolicy,
            Calendar = ScheduleType == "manual" ? "" : Calendar,
            CalendarRule = CalendarRule,
            DesignerX = DesignerX,
            DesignerY = DesignerY,
        };
    }
}
