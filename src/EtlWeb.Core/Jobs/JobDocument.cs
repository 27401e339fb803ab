using System.Text.Json;
using System.Text.Json.Serialization;
using EtlWeb.Core.Documents;

namespace EtlWeb.Core.Jobs;

/// <summary>
/// The one JSON shape of a job: API requests and responses, export and import. Input fields are
/// nullable so a missing field takes its default; read-only fields are filled on output only.
/// </summary>
[AlsoAccepts(JobFields.Desktop.WorkingDirectory, JobFields.Desktop.Timeout, JobFields.Desktop.RetryDelay, JobFields.Desktop.Email, JobFields.Desktop.Environment,
    JobFields.Desktop.EnvironmentVars, JobFields.Desktop.NotificationEmail)]
public sealed record JobDocument
{
    [JsonPropertyName(JobFields.Id)]
    public int? Id { get; init; }

    [JsonPropertyName(JobFields.Name)]
    public string? Name { get; init; }

    [JsonPropertyName(JobFields.Description)]
    public string? Description { get; init; }

    /// <summary>The folder path (<c>finance/daily</c>); empty or missing for the root.</summary>
    [JsonPropertyName(JobFields.Folder)]
    public string? Folder { get; init; }

    [JsonPropertyName(JobFields.JobType)]
    public string? JobType { get; init; }

    [JsonPropertyName(JobFields.Command)]
    public string? Command { get; init; }

    [JsonPropertyName(JobFields.Script)]
    public string? Script { get; init; }

    [JsonPropertyName(JobFields.Interpreter)]
    public string? Interpreter { get; init; }

    [JsonPropertyName(JobFields.WorkingDirectory)]
    public string? WorkingDirectory { get; init; }

    /// <summary>A JSON object of string values; kept raw so a wrong shape is reported by field.</summary>
    [JsonPropertyName(JobFields.Environment)]
    public JsonElement? Environment { get; init; }

    [JsonPropertyName(JobFields.SecretEnvironment)]
    public IReadOnlyList<string>? SecretEnvironment { get; init; }

    /// <summary>For a Python job: the lines of a requirements file (<c>["mypkg==1.0", "requests>=2"]</c>).</summary>
    [JsonPropertyName(JobFields.Requirements)]
    public IReadOnlyList<string?>? Requirements { get; init; }

    [JsonPropertyName(JobFields.TimeoutSeconds)]
    public int? TimeoutSeconds { get; init; }

    [JsonPropertyName(JobFields.StallTimeoutSeconds)]
    public int? StallTimeoutSeconds { get; init; }

    [JsonPropertyName(JobFields.MemoryLimitMb)]
    public int? MemoryLimitMb { get; init; }

    [JsonPropertyName(JobFields.CpuLimitSeconds)]
    public int? CpuLimitSeconds { get; init; }

    /// <summary>For an SQL job, the connection's name; empty or missing for the job's own client line.</summary>
    [JsonPropertyName(JobFields.Connection)]
    public string? Connection { get; init; }

    /// <summary>The pool's name; empty or missing for none.</summary>
    [JsonPropertyName(JobFields.Pool)]
    public string? Pool { get; init; }

    [JsonPropertyName(JobFields.PoolSlots)]
    public int? PoolSlots { get; init; }

    [JsonPropertyName(JobFields.Priority)]
    public int? Priority { get; init; }

    [JsonPropertyName(JobFields.MaxRetries)]
    public int? MaxRetries { get; init; }

    [JsonPropertyName(JobFields.RetryDelaySeconds)]
    public int? RetryDelaySeconds { get; init; }

    [JsonPropertyName(JobFields.RetryBackoff)]
    public double? RetryBackoff { get; init; }

    [JsonPropertyName(JobFields.ScheduleType)]
    public string? ScheduleType { get; init; }

    [JsonPropertyName(JobFields.CronExpression)]
    public string? CronExpression { get; init; }

    [JsonPropertyName(JobFields.TimeZone)]
    public string? TimeZone { get; init; }

    [JsonPropertyName(JobFields.IntervalMinutes)]
    public int? IntervalMinutes { get; init; }

    /// <summary>The business calendar's name; empty or missing for none.</summary>
    [JsonPropertyName(JobFields.Calendar)]
    public string? Calendar { get; init; }

    /// <summary><c>skip</c> (the default) or <c>next_day</c>: what a fire on a calendar day does.</summary>
    [JsonPropertyName(JobFields.CalendarRule)]
    public string? CalendarRule { get; init; }

    /// <summary>The values a run takes: <c>{"name", "type", "default", "required", "description", "secret", "choices"}</c>.</summary>
    [JsonPropertyName(JobFields.Parameters)]
    public IReadOnlyList<Parameters.ParameterDocument>? Parameters { get; init; }

    /// <summary>Upstream jobs: a name (on success), or <c>{"job", "when", "condition"}</c> (<see cref="DependencyDocument"/>).</summary>
    [JsonPropertyName(JobFields.Dependencies)]
    public IReadOnlyList<DependencyDocument?>? Dependencies { get; init; }

    /// <summary>Runs the job once per item of an upstream's list output: <c>{"job", "output", "max_parallel"}</c>.</summary>
    [JsonPropertyName(JobFields.ForEach)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ForEachDocument? ForEach { get; init; }

    [JsonPropertyName(JobFields.NotifyEmail)]
    public string? NotifyEmail { get; init; }

    [JsonPropertyName(JobFields.NotifyOnSuccess)]
    [JsonConverter(typeof(LenientBooleanConverter))]
    public bool? NotifyOnSuccess { get; init; }

    [JsonPropertyName(JobFields.NotifyOnFailure)]
    [JsonConverter(typeof(LenientBooleanConverter))]
    public bool? NotifyOnFailure { get; init; }

    [JsonPropertyName(JobFields.NotifySlack)]
    [JsonConverter(typeof(LenientBooleanConverter))]
    public bool? NotifySlack { get; init; }

    [JsonPropertyName(JobFields.NotifyOnRecovery)]
    [JsonConverter(typeof(LenientBooleanConverter))]
    public bool? NotifyOnRecovery { get; init; }

    /// <summary>Failed runs in a row that send one alert; 0 = off.</summary>
    [JsonPropertyName(JobFields.NotifyFailureStreak)]
    public int? NotifyFailureStreak { get; init; }

    /// <summary>Multiple of the job's p95 duration past which a running attempt sends one alert; 0 = off.</summary>
    [JsonPropertyName(JobFields.NotifyLongRunning)]
    public double? NotifyLongRunning { get; init; }

    [JsonPropertyName(JobFields.NotifyMissed)]
    [JsonConverter(typeof(LenientBooleanConverter))]
    public bool? NotifyMissed { get; init; }

    [JsonPropertyName(JobFields.Enabled)]
    [JsonConverter(typeof(LenientBooleanConverter))]
    public bool? Enabled { get; init; }

    [JsonPropertyName(JobFields.OverlapPolicy)]
    public string? OverlapPolicy { get; init; }

    [JsonPropertyName(JobFields.MisfirePolicy)]
    public string? MisfirePolicy { get; init; }

    [JsonPropertyName("designer_x")]
    public double? DesignerX { get; init; }

    [JsonPropertyName("designer_y")]
    public double? DesignerY { get; init; }

    /// <summary>Read-only: the status of the job's latest run ("Idle" when it never ran).</summary>
    [JsonPropertyName(JobFields.Status)]
    public string? Status { get; init; }

    /// <summary>Read-only: the number of the job's latest revision (<c>GET /api/jobs/{id}/revisions</c>); absent before its first.</summary>
    [JsonPropertyName(JobFields.Revision)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Revision { get; init; }

    /// <summary>Read-only: when the job's latest run is not running yet, why (the run document's <c>waiting_for</c>).</summary>
    [JsonPropertyName(JobFields.WaitingFor)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? WaitingFor { get; init; }

    /// <summary>Read-only: for a for-each job whose latest run is going through its items, how many ended of how many.</summary>
    [JsonPropertyName(JobFields.ItemsProgress)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ItemsProgress? ItemsProgress { get; init; }

    /// <summary>Read-only: when the latest run was queued.</summary>
    [JsonPropertyName(JobFields.LastRunAt)]
    public DateTimeOffset? LastRunAt { get; init; }

    /// <summary>Read-only: the next scheduled fire time, when the job has a schedule.</summary>
    [JsonPropertyName(JobFields.NextRunAt)]
    public DateTimeOffset? NextRunAt { get; init; }

    /// <summary>Read-only: scheduled fires are paused until this time.</summary>
    [JsonPropertyName(JobFields.PausedUntil)]
    public DateTimeOffset? PausedUntil { get; init; }

    /// <summary>
    /// Read-only: the token of the job's webhook (<c>POST /api/hooks/{token}</c>); shown to Operators and Admins
    /// only, as it lets its holder start runs; never exported, and ignored on input.
    /// </summary>
    [JsonPropertyName(JobFields.WebhookToken)]
    public string? WebhookToken { get; init; }

    /// <summary>The upstream jobs' names, whatever their links' kinds.</summary>
    public IReadOnlyList<string> UpstreamNames() => [.. (Dependencies ?? []).Select(d => d?.Job).OfType<string>()];

    /// <summary>Fields this shape does not name: the desktop tool's older names are read from here.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}

/// <summary>A for-each run's items: how many ended, of how many.</summary>
public sealed record ItemsProgress([property: JsonPropertyName("done")] int Done, [property: JsonPropertyName("total")] int Total);
