using System.Text.Json;
using System.Text.Json.Nodes;

namespace EtlWeb.Core.Parameters;

/// <summary>A run's parameter values as stored: the clear JSON object, and the secret values sealed by the host.</summary>
public sealed record StoredParams(string Clear, string? Sealed);

/// <summary>How a run's resolved values are stored, shown and handed to its process.</summary>
public static class RunParameters
{
    /// <summary>What a secret value is shown as.</summary>
    public const string Mask = "********";

    /// <summary>A run without parameters.</summary>
    public static readonly StoredParams None = new("{}", null);

    /// <summary>The values to store; <paramref name="seal"/> encrypts the secret ones (a JSON object of name -> value).</summary>
    public static StoredParams Store(IReadOnlyList<ResolvedParameter> values, Func<string, string> seal)
    {
        if (values.Count == 0)
        {
            return None;
        }

        var clear = new JsonObject();
        var secret = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            clear[value.Name] = value.Secret ? JsonValue.Create(Mask) : JsonSerializer.SerializeToNode(value.ToJson());
            if (value.Secret)
            {
                secret[value.Name] = value.Value;
            }
        }

        return new StoredParams(clear.ToJsonString(), secret.Count == 0 ? null : seal(JsonSerializer.Serialize(secret)));
    }

    /// <summary>The values as given for a new run with the same parameters: the clear ones and the opened secret ones.</summary>
    public static Dictionary<string, JsonElement> Given(string clear, string? sealedValues, Func<string, string> open)
    {
        var given = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(clear) ?? [];
        foreach (var (name, value) in Secrets(sealedValues, open))
        {
            given[name] = JsonSerializer.SerializeToElement(value);
        }

        return given;
    }

    /// <summary>
    /// The variables of the run's process: <c>ETL_PARAM_NAME</c> per value (text form) and <c>ETL_LOGICAL_DATE</c>;
    /// the names of the secret ones, so their values are masked in the log.
    /// </summary>
    public static (Dictionary<string, string> Variables, IReadOnlyList<string> SecretNames) Variables(
        string clear, string? sealedValues, Func<string, string> open, string logicalDate)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal) { [ParameterRules.LogicalDateVariable] = logicalDate };
        if (clear == None.Clear && sealedValues is null)
        {
            return (variables, []);
        }

        var secrets = Secrets(sealedValues, open);
        foreach (var (name, value) in JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(clear) ?? [])
        {
            if (!secrets.ContainsKey(name))
            {
                variables[VariableOf(name)] = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
            }
        }

        foreach (var (name, value) in secrets)
        {
            variables[VariableOf(name)] = value;
        }

        return (variables, [.. secrets.Keys.Select(VariableOf)]);
    }

    private static string VariableOf(string name) => ParameterRules.VariablePrefix + name.ToUpperInvariant();

    private static Dictionary<string, string> Secrets(string? sealedValues, Func<string, string> open) =>
        sealedValues is null ? [] : JsonSerializer.Deserialize<Dictionary<string, string>>(open(sealedValues)) ?? [];
}
