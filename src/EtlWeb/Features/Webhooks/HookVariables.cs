using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace EtlWeb.Features.Webhooks;

/// <summary>
/// The environment variables a webhook body gives its run, or why the body was refused; <see cref="Keys"/> holds the
/// body's values by key as sent, from which the keys named like a declared parameter fill it.
/// </summary>
public sealed record HookInput(IReadOnlyDictionary<string, string> Variables, string? Error)
{
    public IReadOnlyDictionary<string, JsonElement> Keys { get; init; } = new Dictionary<string, JsonElement>();

    public static HookInput Refused(string error) => new(new Dictionary<string, string>(), error);
}

/// <summary>
/// Turns a webhook body (empty, or a JSON object) into <c>ETL_HOOK_&lt;KEY&gt;</c> variables: the key upper-cased with
/// every character outside [A-Z0-9_] made <c>_</c>; strings as they are, numbers and booleans as their JSON text, null
/// as empty, objects and arrays as compact JSON.
/// </summary>
public static class HookVariables
{
    public const string Prefix = "ETL_HOOK_";

    /// <summary>Bodies past this are refused whole (413), before they are parsed.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static HookInput Parse(ReadOnlyMemory<byte> body)
    {
        if (body.Span.Trim(" \t\r\n"u8).IsEmpty)
        {
            return new HookInput(new Dictionary<string, string>(), null);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            return HookInput.Refused($"Line {ex.LineNumber + 1}, position {ex.BytePositionInLine + 1}: the body is not valid JSON ({ex.Message.Split(" LineNumber:")[0]})");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return HookInput.Refused($"The body must be a JSON object (or empty), not {Describe(document.RootElement.ValueKind)}.");
            }

            var variables = new Dictionary<string, string>(StringComparer.Ordinal);
            var keys = new Dictionary<string, string>(StringComparer.Ordinal);
            var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            var position = 0;
            foreach (var property in document.RootElement.EnumerateObject())
            {
                position++;
                if (Decode(property) is not { } decoded)
                {
                    return HookInput.Refused($"Key number {position} of the body, or its value, holds half of a UTF-16 surrogate pair (an escape such as \\ud800 without its partner), which is not text.");
                }

                var (name, value) = decoded;
                if (keys.TryGetValue(name, out var first))
                {
                    return HookInput.Refused($"The keys '{first}' and '{property.Name}' both become {name}; rename one.");
                }

                if (value.Contains('\0', StringComparison.Ordinal))
                {
                    return HookInput.Refused($"The value of '{property.Name}' contains a NUL character, which no environment variable can hold.");
                }

                keys[name] = property.Name;
                variables[name] = value;
                values[property.Name] = property.Value.Clone();
            }

            return new HookInput(variables, null) { Keys = values };
        }
    }

    /// <summary>The variable's name and value; null when JSON escaped half of a surrogate pair, which no string holds.</summary>
    private static (string Name, string Value)? Decode(JsonProperty property)
    {
        try
        {
            return (NameOf(property.Name), ValueOf(property.Value));
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    public static string NameOf(string key)
    {
        var name = new StringBuilder(Prefix, Prefix.Length + key.Length);
        foreach (var c in key.ToUpperInvariant())
        {
            name.Append(c is (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' ? c : '_');
        }

        return name.ToString();
    }

    private static string ValueOf(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return value.GetString()!;
            case JsonValueKind.Null:
                return "";
            case JsonValueKind.Object or JsonValueKind.Array:
                var buffer = new MemoryStream();
                using (var writer = new Utf8JsonWriter(buffer, Compact))
                {
                    value.WriteTo(writer);
                }

                return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
            default:
                return value.GetRawText();
        }
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.Null => "null",
        _ => "a boolean",
    };
}
