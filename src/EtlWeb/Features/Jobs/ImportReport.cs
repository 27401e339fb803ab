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

internal static class ImportText
{
    public static string Of(ImportAction action) => action.ToString().ToLowerInvariant();
}
