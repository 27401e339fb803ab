using System.Text.Json.Serialization;

namespace EtlWeb.Features.Jobs;

public enum ImportAction
{
    Created,
    Updated,
    Unchanged,
    Invalid,
}

/// <summary>What import did, or would do on a dry run, with one job.</summary>
public sealed record ImportedJob(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("errors")] IDictionary<string, string[]>? Errors,
    [property: JsonPropertyName("ignored_fields")] IReadOnlyList<string> IgnoredFields);

/// <summary>The per-job report of an import; nothing was changed unless <see cref="Applied"/> is true.</summary>
public sealed record ImportReport(
    [property: JsonPropertyName("dry_run")] bool DryRun,
    [property: JsonPropertyName("applied")] bool Applied,
    [property: JsonPropertyName("errors")] IReadOnlyList<string> Errors,
    [property: JsonPropertyName("jobs")] IReadOnlyList<ImportedJob> Jobs)
{
    /// <summary>For the desktop tool's database: the executions it brings over as runs.</summary>
    [JsonPropertyName("history")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ImportedHistory? History { get; init; }

    /// <summary>For the desktop tool's database: per table, the columns EtlWeb does not read.</summary>
    [JsonPropertyName("ignored_columns")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? IgnoredColumns { get; init; }

    [JsonPropertyName("created")]
    public int Created => Count(ImportAction.Created);

    [JsonPropertyName("updated")]
    public int Updated => Count(ImportAction.Updated);

    [JsonPropertyName("unchanged")]
    public int Unchanged => Count(ImportAction.Unchanged);

    [JsonIgnore]
    public bool HasErrors => Errors.Count > 0 || Jobs.Any(j => j.Errors is not null);

    private int Count(ImportAction action) => Jobs.Count(j => j.Action == ImportText.Of(action));
}

/// <summary>
/// The desktop tool's executions an import brings over: new runs per job, those imported before (same job and start),
/// those of jobs the database no longer has, the zone its times without an offset were read in, and how many of the
/// new runs ended before the retention's age limit (the next purge removes them; 0 days keeps all).
/// </summary>
public sealed record ImportedHistory(
    [property: JsonPropertyName("runs")] int Runs,
    [property: JsonPropertyName("already_imported")] int AlreadyImported,
    [property: JsonPropertyName("of_deleted_jobs")] int OfDeletedJobs,
    [property: JsonPropertyName("time_zone")] string TimeZone,
    [property: JsonPropertyName("runs_by_job")] IReadOnlyDictionary<string, int> RunsByJob,
    [property: JsonPropertyName("older_than_retention")] int OlderThanRetention,
    [property: JsonPropertyName("retention_days")] int RetentionDays);

internal static class ImportText
{
    public static string Of(ImportAction action) => action.ToString().ToLowerInvariant();
}
