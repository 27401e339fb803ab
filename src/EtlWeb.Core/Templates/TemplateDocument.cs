using System.Text.Json.Serialization;
using EtlWeb.Core.Jobs;

namespace EtlWeb.Core.Templates;

/// <summary>
/// A job template: ordinary job documents whose text fields may hold Liquid placeholders (<c>{{ table }}</c>), and the
/// placeholders a user fills in when creating jobs from it. Saved from a body with <see cref="Jobs"/>, or from existing
/// jobs with <see cref="JobIds"/> and each placeholder's <see cref="PlaceholderDocument.Replaces"/>.
/// </summary>
public sealed record TemplateDocument
{
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("description")]
    public string? Description { get; init; }

    [JsonPropertyName("placeholders")]
    public IReadOnlyList<PlaceholderDocument?>? Placeholders { get; init; }

    [JsonPropertyName("jobs")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<JobDocument?>? Jobs { get; init; }

    /// <summary>Input only: the ids of existing jobs to save as the template's jobs, instead of <see cref="Jobs"/>.</summary>
    [JsonPropertyName("job_ids")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<int>? JobIds { get; init; }

    /// <summary>Read-only: shipped with EtlWeb (read-only, cannot be deleted) rather than saved by a user.</summary>
    [JsonPropertyName("shipped")]
    public bool Shipped { get; init; }

    /// <summary>Read-only, in the answer of a save from jobs: what was left out (links to other jobs, secret values).</summary>
    [JsonPropertyName("notes")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Notes { get; init; }
}

/// <summary>A value asked for when jobs are created from a template; the jobs' text uses it as <c>{{ name }}</c>.</summary>
public sealed record PlaceholderDocument
{
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("description")]
    public string? Description { get; init; }

    /// <summary>The value when none is given; null (or missing) makes the placeholder required.</summary>
    [JsonPropertyName("default")]
    public string? Default { get; init; }

    /// <summary>Input only, with <see cref="TemplateDocument.JobIds"/>: the text of the jobs that becomes <c>{{ name }}</c>.</summary>
    [JsonPropertyName("replaces")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Replaces { get; init; }
}

/// <summary>A request to create jobs from a template: the folder they go in and the placeholders' values.</summary>
public sealed record InstantiateRequest
{
    [JsonPropertyName("folder")]
    public string? Folder { get; init; }

    [JsonPropertyName("values")]
    public IReadOnlyDictionary<string, string?>? Values { get; init; }
}
