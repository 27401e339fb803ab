using System.Text.Json;

namespace EtlWeb.Core.Runs;

/// <summary>The items a for-each run fans out into, or why there are none to run.</summary>
public sealed record ItemList(IReadOnlyList<string> Items, string? Error);

/// <summary>
/// A list output read as items: a JSON array (each string item as it is, any other item as its JSON text), or text with
/// one item per non-blank line. A list longer than the maximum is refused whole.
/// </summary>
public static class ForEachItems
{
    public const string ItemVariable = "ETL_ITEM";
    public const string IndexVariable = "ETL_ITEM_INDEX";

    public static ItemList Read(JsonElement value, string source, int max)
    {
        var items = value.ValueKind switch
        {
            JsonValueKind.Array => FromArray(value),
            JsonValueKind.String => FromText(value.GetString()!),
            _ => null,
        };
        if (items is null)
        {
            return new ItemList([], $"{source} is {value.ValueKind.ToString().ToLowerInvariant()}, not a list: give a JSON array or one item per line.");
        }

        return items.Count > max
            ? new ItemList([], $"The list in {source} has {items.Count} items, over the maximum of {max} (EtlWeb:MaxForEachItems); nothing was started.")
            : new ItemList(items, null);
    }

    /// <summary>How a for-each run ends once its items ended (<paramref name="counts"/> by status): succeeded only if all did.</summary>
    public static (RunStatus Status, string Reason) Outcome(IReadOnlyDictionary<RunStatus, int> counts)
    {
        var total = counts.Values.Sum();
        var succeeded = counts.GetValueOrDefault(RunStatus.Succeeded);
        if (succeeded == total)
        {
            return (RunStatus.Succeeded, $"All {total} items succeeded.");
        }

        var others = counts.Where(c => c.Key != RunStatus.Succeeded && c.Value > 0).OrderBy(c => c.Key).Select(c => $"{c.Value} {c.Key}");
        return (RunStatus.Failed, $"{total - succeeded} of {total} items did not succeed: {string.Join(", ", others)}.");
    }

    private static List<string> FromArray(JsonElement array) =>
        [.. array.EnumerateArray().Select(item => item.ValueKind == JsonValueKind.String ? item.GetString()! : item.GetRawText())];

    private static List<string>? FromText(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.StartsWith('['))
        {
            try
            {
                using var parsed = JsonDocument.Parse(trimmed);
                return parsed.RootElement.ValueKind == JsonValueKind.Array ? FromArray(parsed.RootElement) : null;
            }
            catch (JsonException)
            {
                // Not JSON after all: read it as lines.
            }
        }

        return [.. text.Split('\n').Select(line => line.TrimEnd('\r')).Where(line => line.Trim().Length > 0)];
    }
}
