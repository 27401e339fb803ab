using System.Text.Json.Serialization;

namespace EtlWeb.Core.Parameters;

/// <summary>The kinds of value a parameter takes; their JSON names are the job document's <c>type</c> values.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ParameterType>))]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720", Justification = "The type names are the job document's.")]
public enum ParameterType
{
    [JsonStringEnumMemberName("text")]
    Text,

    [JsonStringEnumMemberName("integer")]
    Integer,

    [JsonStringEnumMemberName("number")]
    Number,

    [JsonStringEnumMemberName("boolean")]
    Boolean,

    [JsonStringEnumMemberName("date")]
    Date,

    [JsonStringEnumMemberName("datetime")]
    DateTime,

    [JsonStringEnumMemberName("choice")]
    Choice,
}

/// <summary>
/// A value a run of the job takes (DESIGN.md: a run's inputs). Stored with the job, in the job document as
/// <c>parameters</c>; its process gets the resolved value as <c>ETL_PARAM_&lt;NAME&gt;</c>.
/// </summary>
public sealed record JobParameter
{
    [JsonPropertyName("name")]
    public string Name { get; init; } = "";

    [JsonPropertyName("type")]
    public ParameterType Type { get; init; } = ParameterType.Text;

    /// <summary>
    /// The value when a run is given none: a literal in the type's text form, or a Liquid template over the run's
    /// <c>logical_date</c> (in the job's zone); empty means none.
    /// </summary>
    [JsonPropertyName("default")]
    public string Default { get; init; } = "";

    [JsonPropertyName("required")]
    public bool Required { get; init; }

    [JsonPropertyName("description")]
    public string Description { get; init; } = "";

    /// <summary>Its value is masked in the run document, the run page and the log, and stored encrypted.</summary>
    [JsonPropertyName("secret")]
    public bool Secret { get; init; }

    /// <summary>The values a <see cref="ParameterType.Choice"/> parameter may take, in the order offered.</summary>
    [JsonPropertyName("choices")]
    public IReadOnlyList<string> Choices { get; init; } = [];

    /// <summary>The variable the run's process reads the value from.</summary>
    [JsonIgnore]
    public string VariableName => ParameterRules.VariablePrefix + Name.ToUpperInvariant();
}
