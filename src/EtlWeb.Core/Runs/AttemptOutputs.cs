using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace EtlWeb.Core.Runs;

/// <summary>What an attempt's output file came to: its values, or why they were refused.</summary>
/// <param name="Values">Key to value; a <c>key=value</c> line gives a string, a JSON object keeps its values' JSON types.</param>
public sealed record OutputRead(IReadOnlyDictionary<string, JsonElement> Values, string? Error)
{
    public static readonly OutputRead None = new(new Dictionary<string, JsonElement>(), null);

    /// <summary>The values as stored with the attempt (a JSON object); null when there are none.</summary>
    public string? Stored => Values.Count == 0 ? null : JsonSerializer.Serialize(Values);

    /// <summary>The values with every secret masked (<paramref name="mask"/>), as the log has them: a value that held one becomes masked text.</summary>
    public OutputRead Masked(Func<string, string> mask) => this with
    {
        Values = Values.ToDictionary(
            v => v.Key,
            v => AttemptOutputs.Text(v.Value) is var text && mask(text) is var masked && masked != text ? JsonSerializer.SerializeToElement(masked) : v.Value,
            StringComparer.Ordinal),
    };
}

/// <summary>
/// The values a job's process hands to the jobs after it: it writes <c>key=value</c> lines, or one JSON object, to the
/// file named by <c>ETL_OUTPUT</c>; its downstream runs get them as <c>ETL_UP_&lt;JOB&gt;_&lt;KEY&gt;</c> and all of
/// them in the JSON file named by <c>ETL_UPSTREAM</c>.
/// </summary>
public static partial class AttemptOutputs
{
    public const string OutputVariable = "ETL_OUTPUT";

    public const string UpstreamVariable = "ETL_UPSTREAM";

    public const string UpstreamPrefix = "ETL_UP_";

    public const int MaxKeyLength = 64;

    /// <summary>Reads an output file's text (already known to be within the size cap).</summary>
    public static OutputRead Parse(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            return OutputRead.None;
        }

        return trimmed.StartsWith('{') ? ParseJson(trimmed) : ParseLines(text);
    }

    /// <summary>Why an output file of <paramref name="bytes"/> is refused under <paramref name="cap"/>; null when it is within.</summary>
    public static string? SizeError(long bytes, long cap) =>
        bytes <= cap ? null : $"Outputs refused: {OutputVariable} holds {Size(bytes)}, over the {Size(cap)} allowed per attempt (EtlWeb:MaxOutputBytesPerAttempt).";

    /// <summary>A job or key name as it appears in a variable name: upper case, every run of other characters one '_'.</summary>
    public static string Normalise(string name) => NonWord().Replace(name.ToUpperInvariant(), "_").Trim('_');

    /// <summary>The variable an upstream job's output is handed to its downstream runs in.</summary>
    public static string VariableOf(string job, string key) => $"{UpstreamPrefix}{Normalise(job)}_{Normalise(key)}";

    /// <summary>A value as a process sees it: a string as it is, anything else as its JSON text.</summary>
    public static string Text(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();

    /// <summary>The <c>ETL_UP_*</c> variables of a run whose upstream runs gave <paramref name="upstream"/> (job name to outputs).</summary>
    public static Dictionary<string, string> Variables(IReadOnlyDictionary<string, IReadOnlyDictionary<string, JsonElement>> upstream)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (job, outputs) in upstream.OrderBy(u => u.Key, StringComparer.Ordinal))
        {
            foreach (var (key, value) in outputs)
            {
                variables[VariableOf(job, key)] = Text(value);
            }
        }

        return variables;
    }

    /// <summary>
    /// The upstream outputs whose keys name one of <paramref name="parameters"/>, as values given to them; where several
    /// upstream jobs give the same key, the first by job name wins.
    /// </summary>
    public static Dictionary<string, JsonElement> ForParameters(IEnumerable<string> parameters, IReadOnlyDictionary<string, IReadOnlyDictionary<string, JsonElement>> upstream)
    {
        var given = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var name in parameters)
        {
            foreach (var (_, outputs) in upstream.OrderBy(u => u.Key, StringComparer.Ordinal))
            {
                if (outputs.TryGetValue(name, out var value))
                {
                    given[name] = value;
                    break;
                }
            }
        }

        return given;
    }

    /// <summary>The stored outputs of an attempt (a JSON object); empty when it has none.</summary>
    public static IReadOnlyDictionary<string, JsonElement> Read(string? stored) =>
        string.IsNullOrEmpty(stored) ? new Dictionary<string, JsonElement>() : JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(stored) ?? [];

    /// <summary>
    /// The outcome with its outputs. Refused outputs end an attempt that succeeded Failed with the reason (its downstream
    /// would run without the values it expects); any other outcome keeps its own reason.
    /// </summary>
    public static AttemptOutcome With(AttemptOutcome outcome, OutputRead read) =>
        read.Error is { } error
            ? outcome.Status == AttemptStatus.Succeeded ? outcome with { Status = AttemptStatus.Failed, Message = error } : outcome
            : outcome with { Outputs = read.Stored };

    /// <summary>Why <paramref name="key"/> is not an output key; null when it is one.</summary>
    public static string? KeyError(string key) =>
        key.Length == 0 ? "an output key is empty"
        : key.Length > MaxKeyLength ? $"output key '{key[..20]}...' is longer than {MaxKeyLength} characters"
        : !Key().IsMatch(key) ? $"output key '{key}' must start with a letter or '_' and hold only letters, digits and '_'"
        : null;

    private static OutputRead ParseJson(string text)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(text);
            root = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            return Refused($"{OutputVariable} starts with '{{' but is not one JSON object: {ex.Message}");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return Refused($"{OutputVariable} must hold one JSON object or key=value lines.");
        }

        var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            if (KeyError(property.Name) is { } error)
            {
                return Refused($"Outputs refused: {error}.");
            }

            values[property.Name] = property.Value;
        }

        return new OutputRead(values, null);
    }

    private static OutputRead ParseLines(string text)
    {
        var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.TrimEnd('\r');
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            var equals = line.IndexOf('=');
            if (equals < 0)
            {
                return Refused($"Outputs refused: line {number} of {OutputVariable} is not key=value: '{Shorten(line)}'.");
            }

            var key = line[..equals].Trim();
            if (KeyError(key) is { } error)
            {
                return Refused($"Outputs refused: line {number}: {error}.");
            }

            values[key] = JsonSerializer.SerializeToElement(line[(equals + 1)..]);
        }

        return new OutputRead(values, null);
    }

    private static OutputRead Refused(string error) => new(new Dictionary<string, JsonElement>(), error);

    private static string Shorten(string line) => line.Length <= 40 ? line : line[..40] + "...";

    private static string Size(long bytes) => bytes >= 1024 ? (bytes / 1024.0).ToString("0.# KiB", CultureInfo.InvariantCulture) : $"{bytes} bytes";

    [GeneratedRegex("[^A-Z0-9]+")]
    private static partial Regex NonWord();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Key();
}
