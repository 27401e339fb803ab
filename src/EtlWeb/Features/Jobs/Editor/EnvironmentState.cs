using System.Text.Json;
using EtlWeb.Core.Jobs;

namespace EtlWeb.Features.Jobs.Editor;

/// <summary>
/// The job's environment variables as the editor holds them: rows, or a JSON object for the variables that are
/// not secret. Secret rows stay rows in both views, since a stored secret has no value the browser could show.
/// </summary>
public sealed class EnvironmentState
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public List<EnvironmentVariableRow> Rows { get; } = [];

    public bool JsonMode { get; private set; }

    public string JsonText { get; set; } = "";

    public IEnumerable<EnvironmentVariableRow> SecretRows => Rows.Where(r => r.Secret && r.Name.Trim().Length > 0);

    public static EnvironmentState FromDocument(JsonElement? environment, IReadOnlyList<string>? secrets)
    {
        var state = new EnvironmentState();
        if (environment is { ValueKind: JsonValueKind.Object } values)
        {
            foreach (var variable in values.EnumerateObject())
            {
                var value = variable.Value.ValueKind == JsonValueKind.String ? variable.Value.GetString()! : variable.Value.GetRawText();
                state.Rows.Add(new EnvironmentVariableRow { Name = variable.Name, Value = value });
            }
        }

        foreach (var secret in secrets ?? [])
        {
            state.Rows.Add(new EnvironmentVariableRow { Name = secret, Secret = true, StoredSecretName = secret });
        }

        return state;
    }

    /// <summary>The document's environment object and secret names. Invalid JSON gives no variables; its message comes from <see cref="LocalErrors"/>.</summary>
    public (JsonElement Environment, IReadOnlyList<string> Secrets) ToDocument()
    {
        var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (JsonMode)
        {
            var parsed = ParseJson(out _);
            if (parsed is { ValueKind: not JsonValueKind.Object } notAnObject)
            {
                // Passed on as it is, so the catalogue names the problem in the API's own words.
                return (notAnObject, Secrets());
            }

            foreach (var variable in Variables(parsed))
            {
                values[variable.Name] = variable.Value;
            }
        }
        else
        {
            // A nameless row is reported by LocalErrors, in words that beat the catalogue's "'' is not a valid name".
            foreach (var row in Rows.Where(r => !r.Secret && r.Name.Trim().Length > 0))
            {
                values[row.Name.Trim()] = JsonSerializer.SerializeToElement(row.Value);
            }
        }

        foreach (var row in SecretRows.Where(r => !r.KeepsStoredValue))
        {
            values[row.Name.Trim()] = JsonSerializer.SerializeToElement(row.Value);
        }

        return (JsonSerializer.SerializeToElement(values), Secrets());
    }

    /// <summary>Problems the catalogue cannot see because they are lost on the way to a JSON object: duplicates, nameless values, bad JSON.</summary>
    public ValidationErrors LocalErrors()
    {
        var errors = new ValidationErrors();
        if (JsonMode)
        {
            var parsed = ParseJson(out var error);
            if (error is not null)
            {
                errors.Add(JobFields.Environment, error);
            }

            var secretNames = SecretRows.Select(r => r.Name.Trim()).ToHashSet(StringComparer.Ordinal);
            foreach (var variable in Variables(parsed))
            {
                if (secretNames.Contains(variable.Name))
                {
                    errors.Add(JobFields.Environment, $"'{variable.Name}' is a secret variable already; edit it in its row.");
                }
            }

            return errors;
        }

        foreach (var row in Rows)
        {
            if (RowError(row) is { } message)
            {
                errors.Add(JobFields.Environment, message);
            }
        }

        return errors;
    }

    /// <summary>What is wrong with one row on its own or beside the others, shown at the row.</summary>
    public string? RowError(EnvironmentVariableRow row)
    {
        var name = row.Name.Trim();
        if (name.Length == 0)
        {
            return row.Value.Length > 0 ? "A variable with a value needs a name." : null;
        }

        var first = Rows.First(r => string.Equals(r.Name.Trim(), name, StringComparison.Ordinal));
        return ReferenceEquals(first, row) ? null : $"'{name}' is listed twice.";
    }

    public void ShowJson()
    {
        var values = Rows.Where(r => !r.Secret && r.Name.Trim().Length > 0)
            .GroupBy(r => r.Name.Trim(), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal);
        JsonText = values.Count == 0 ? "{\n}" : JsonSerializer.Serialize(values, Indented);
        JsonMode = true;
    }

    /// <summary>Back to rows from the JSON text; null on success, else why the text cannot become rows.</summary>
    public string? ShowRows()
    {
        var parsed = ParseJson(out var error);
        if (error is not null)
        {
            return error;
        }

        if (parsed is not { ValueKind: JsonValueKind.Object } values)
        {
            return "Write a JSON object of name -> string value to turn it into rows.";
        }

        foreach (var variable in values.EnumerateObject().Where(v => v.Value.ValueKind != JsonValueKind.String))
        {
            return $"The value of '{variable.Name}' must be a string to turn it into a row.";
        }

        var secrets = SecretRows.ToList();
        Rows.Clear();
        Rows.AddRange(values.EnumerateObject().Select(v => new EnvironmentVariableRow { Name = v.Name, Value = v.Value.GetString()! }));
        Rows.AddRange(secrets);
        JsonMode = false;
        return null;
    }

    private static IEnumerable<JsonProperty> Variables(JsonElement? parsed) =>
        parsed is { ValueKind: JsonValueKind.Object } values ? values.EnumerateObject() : [];

    private List<string> Secrets() => [.. SecretRows.Select(r => r.Name.Trim()).Distinct(StringComparer.Ordinal)];

    private JsonElement? ParseJson(out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(JsonText))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(JsonText);
            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            error = $"This is not valid JSON: {ex.Message}";
            return null;
        }
    }
}
