using System.Text.Json;
using System.Text.Json.Serialization;

namespace EtlWeb.Core.Parameters;

/// <summary>
/// A parameter as the job document declares it: <c>{"name", "type", "default", "required", "description", "secret",
/// "choices"}</c>. Kept loose on input (the type as text, the default as any JSON value) so that a bad declaration is
/// reported by field rather than refused as unreadable JSON.
/// </summary>
public sealed record ParameterDocument
{
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("type")]
    public string? Type { get; init; }

    /// <summary>A literal value (text, number or boolean) or a Liquid template over <c>logical_date</c>; given back as text.</summary>
    [JsonPropertyName("default")]
    public JsonElement? Default { get; init; }

    [JsonPropertyName("required")]
    public bool? Required { get; init; }

    [JsonPropertyName("description")]
    public string? Description { get; init; }

    [JsonPropertyName("secret")]
    public bool? Secret { get; init; }

    [JsonPropertyName("choices")]
    public IReadOnlyList<string>? Choices { get; init; }

    public static ParameterDocument Of(JobParameter parameter) => new()
    {
        Name = parameter.Name,
        Type = ParameterRules.Name(parameter.Type),
        Default = JsonSerializer.SerializeToElement(parameter.Default),
        Required = parameter.Required,
        Description = parameter.Description,
        Secret = parameter.Secret,
        Choices = parameter.Choices,
    };

    /// <summary>The declaration; what cannot be read (its type, its default) is added to the errors, keyed <c>parameters[i].field</c>.</summary>
    public JobParameter ToParameter(int index, Jobs.ValidationErrors errors)
    {
        var field = $"{Jobs.JobFields.Parameters}[{index}].";
        var type = ParameterType.Text;
        var typeName = (Type ?? "").Trim().ToLowerInvariant();
        if (typeName.Length > 0 && !ParameterRules.TryParseType(typeName, out type))
        {
            errors.Add(field + "type", $"'{Type}' is not a parameter type; use one of {string.Join(", ", ParameterRules.TypeNames)}.");
        }

        var defaultText = Default switch
        {
            null or { ValueKind: JsonValueKind.Null } => "",
            { ValueKind: JsonValueKind.String } text => text.GetString()!,
            { ValueKind: JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False } value => value.GetRawText(),
            _ => null,
        };
        if (defaultText is null)
        {
            errors.Add(field + "default", "The default is a value (text, number or true/false) or a template, not a list or an object.");
        }

        if (Choices is not null && Choices.Any(c => c is null))
        {
            errors.Add(field + "choices", "choices must list values; null is not one.");
        }

        return new JobParameter
        {
            Name = (Name ?? "").Trim(),
            Type = type,
            Default = defaultText ?? "",
            Required = Required ?? false,
            Description = Description ?? "",
            Secret = Secret ?? false,
            Choices = [.. (Choices ?? []).OfType<string>().Select(c => c.Trim())],
        };
    }
}
