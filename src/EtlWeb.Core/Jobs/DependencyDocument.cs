using System.Text.Json;
using System.Text.Json.Serialization;

namespace EtlWeb.Core.Jobs;

/// <summary>
/// One entry of a job document's <c>dependencies</c>: a job name (runs on its success, as before), or
/// <c>{"job": "Extract", "when": "success"|"failure"|"always", "condition": "rows &gt; 0"}</c>. Written back as the
/// name alone when it is an on-success link without a condition.
/// </summary>
[JsonConverter(typeof(DependencyDocumentConverter))]
public sealed record DependencyDocument
{
    public const string JobField = "job";
    public const string WhenField = "when";
    public const string ConditionField = "condition";

    public string? Job { get; init; }

    public string? When { get; init; }

    public string? Condition { get; init; }

    /// <summary>Fields of the object form that no link has; reported, not dropped.</summary>
    public IReadOnlyList<string> Unknown { get; init; } = [];

    public static implicit operator DependencyDocument(string job) => new() { Job = job };

    public static DependencyDocument Of(DependencyLink link) => new()
    {
        Job = link.Job,
        When = link.When == LinkKind.Success ? null : JobText.Of(link.When),
        Condition = link.Condition,
    };

    /// <summary>The link a stored document describes (its kind read leniently: an unknown one is on success).</summary>
    public DependencyLink ToLink() =>
        new(Job ?? "", When is { } text && JobText.TryParse<LinkKind>(text, out var kind) ? kind : LinkKind.Success, Condition);

    public bool Equals(DependencyDocument? other) =>
        other is not null && Job == other.Job && When == other.When && Condition == other.Condition && Unknown.SequenceEqual(other.Unknown);

    public override int GetHashCode() => HashCode.Combine(Job, When, Condition, Unknown.Count);

    public bool IsPlain => When is null or "success" && string.IsNullOrEmpty(Condition) && Unknown.Count == 0;
}

/// <summary>A dependency of a job as the model has it: the upstream's name, the link's kind and its condition.</summary>
public sealed record DependencyLink(string Job, LinkKind When = LinkKind.Success, string? Condition = null)
{
    public static DependencyLink Of(string job, JobDependency edge) => new(job, edge.When, edge.Condition);

    /// <summary>"Extract", "Extract (on failure)", "Extract (always, if rows > 0)": how the audit log and the history name it.</summary>
    public string Describe() => Details() is { Length: > 0 } details ? $"{Job} ({details})" : Job;

    /// <summary>"on failure", "always, if rows > 0", "if rows > 0"; empty for a plain on-success link.</summary>
    public string Details()
    {
        var details = new List<string>();
        if (When != LinkKind.Success)
        {
            details.Add(When == LinkKind.Failure ? "on failure" : "always");
        }

        if (!string.IsNullOrEmpty(Condition))
        {
            details.Add($"if {Condition}");
        }

        return string.Join(", ", details);
    }
}

internal sealed class DependencyDocumentConverter : JsonConverter<DependencyDocument>
{
    public override DependencyDocument Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return new DependencyDocument { Job = reader.GetString() };
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A dependency is a job name or an object {\"job\", \"when\", \"condition\"}.");
        }

        string? job = null, when = null, condition = null;
        var unknown = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString()!;
            reader.Read();
            switch (name)
            {
                case DependencyDocument.JobField:
                    job = Text(ref reader, name);
                    break;
                case DependencyDocument.WhenField:
                    when = Text(ref reader, name);
                    break;
                case DependencyDocument.ConditionField:
                    condition = Text(ref reader, name);
                    break;
                default:
                    unknown.Add(name);
                    reader.Skip();
                    break;
            }
        }

        return new DependencyDocument { Job = job, When = when, Condition = condition, Unknown = unknown };
    }

    public override void Write(Utf8JsonWriter writer, DependencyDocument value, JsonSerializerOptions options)
    {
        if (value.IsPlain)
        {
            writer.WriteStringValue(value.Job);
            return;
        }

        writer.WriteStartObject();
        writer.WriteString(DependencyDocument.JobField, value.Job);
        writer.WriteString(DependencyDocument.WhenField, value.When ?? "success");
        if (!string.IsNullOrEmpty(value.Condition))
        {
            writer.WriteString(DependencyDocument.ConditionField, value.Condition);
        }

        writer.WriteEndObject();
    }

    private static string? Text(ref Utf8JsonReader reader, string name) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Null => null,
        _ => throw new JsonException($"A dependency's \"{name}\" must be a string."),
    };
}
