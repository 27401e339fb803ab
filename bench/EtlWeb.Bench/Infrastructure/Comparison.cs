using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EtlWeb.Bench.Infrastructure;

/// <summary>
/// Two outputs of scripts/bench.sh side by side (JSON lines, one object per scenario): for each scenario of the later
/// output and each of its numeric figures, the earlier value, the later one and the change in percent. A scenario that
/// appears more than once in a file counts by its last line; a figure one side lacks shows as "-".
/// </summary>
public static class Comparison
{
    private static readonly string[] Header = ["scenario", "figure", "earlier", "now", "change"];

    /// <summary>The comparison as aligned text lines, a header first.</summary>
    public static IReadOnlyList<string> Lines(IEnumerable<string> earlier, IEnumerable<string> now)
    {
        var before = Scenarios(earlier);
        var rows = new List<string[]> { Header };
        foreach (var (scenario, figures) in Scenarios(now))
        {
            var old = before.GetValueOrDefault(scenario) ?? new JsonObject();
            foreach (var (figure, value) in figures)
            {
                var then = Number(old[figure]);
                var current = Number(value);
                if (then is not null || current is not null)
                {
                    rows.Add([scenario, figure, Text(then), Text(current), Change(then, current)]);
                }
            }
        }

        var widths = Enumerable.Range(0, Header.Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        return [.. rows.Select(r => string.Join("  ", r.Select((cell, c) => c < 2 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))).TrimEnd())];
    }

    /// <summary>The change from <paramref name="then"/> to <paramref name="now"/> in percent of the earlier value, signed.</summary>
    public static string Change(double? then, double? now) => (then, now) switch
    {
        ({ } a, { } b) when a == b => "0.0 %",
        ({ } a, { } b) when a != 0 => ((b - a) / Math.Abs(a) * 100).ToString("+0.0;-0.0", CultureInfo.InvariantCulture) + " %",
        _ => "-",
    };

    private static Dictionary<string, JsonObject> Scenarios(IEnumerable<string> lines)
    {
        var scenarios = new Dictionary<string, JsonObject>();
        foreach (var line in lines.Where(l => l.TrimStart().StartsWith('{')))
        {
            if (JsonNode.Parse(line) is JsonObject result && result["scenario"]?.GetValue<string>() is { } name)
            {
                scenarios[name] = result;
            }
        }

        return scenarios;
    }

    private static double? Number(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number ? value.GetValue<double>() : null;

    private static string Text(double? value) => value?.ToString("0.###", CultureInfo.InvariantCulture) ?? "-";
}
