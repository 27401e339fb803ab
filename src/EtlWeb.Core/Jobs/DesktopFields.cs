using System.Text.Json;

namespace EtlWeb.Core.Jobs;

/// <summary>
/// The desktop tool's own field names (its JSON export and the columns of its database) read into EtlWeb's fields:
/// each is used only when the document does not give the EtlWeb field itself.
/// </summary>
internal static class DesktopFields
{
    /// <summary>The environment under one of the desktop's names: a JSON object, or (as the desktop stores it) a string holding one.</summary>
    public static JsonElement? Environment(Dictionary<string, JsonElement> extra, ValidationErrors errors)
    {
        foreach (var name in new[] { JobFields.Desktop.EnvironmentVars, JobFields.Desktop.Environment })
        {
            if (extra.TryGetValue(name, out var value) && value.ValueKind != JsonValueKind.Null)
            {
                return ParseEnvironment(name, value, errors);
            }
        }

        return null;
    }

    private static JsonElement? ParseEnvironment(string name, JsonElement legacy, ValidationErrors errors)
    {
        if (legacy.ValueKind != JsonValueKind.String)
        {
            return legacy;
        }

        var text = legacy.GetString();
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            using var parsed = JsonDocument.Parse(text);
            return parsed.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            errors.Add(JobFields.Environment, $"{name} is not valid JSON: {ex.Message}");
            return null;
        }
    }

    public static string? String(Dictionary<string, JsonElement> extra, string name, string field, ValidationErrors errors)
    {
        if (!extra.TryGetValue(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString();
        }

        errors.Add(field, $"{name} must be a string, not {Describe(value.ValueKind)}.");
        return null;
    }

    public static int? Int(Dictionary<string, JsonElement> extra, string name, string field, ValidationErrors errors)
    {
        if (!extra.TryGetValue(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number))
        {
            return number;
        }

        var found = value.ValueKind == JsonValueKind.Number ? value.GetRawText() : Describe(value.ValueKind);
        errors.Add(field, $"{name} must be a whole number, not {found}.");
        return null;
    }

    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
