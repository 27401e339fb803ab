using System.Globalization;
using System.Text.Json;
using EtlWeb.Tests.Support;

namespace EtlWeb.Tests.Operations;

/// <summary>One sample of a scrape: its name (with a counter's _total, a histogram's _bucket/_count/_sum), labels and value.</summary>
internal sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>
/// Reads an exposition with the reference parser, Python's prometheus_client (Debian's python3-prometheus-client, as
/// scripts/test.sh installs it): what it parses Prometheus scrapes too. A text it refuses fails the test with its error.
/// </summary>
internal static class PrometheusText
{
    private const string Parser = """
        import json, math, sys
        from prometheus_client.parser import text_string_to_metric_families
        samples = [{"name": s.name, "labels": s.labels, "value": s.value if math.isfinite(s.value) else None}
                   for family in text_string_to_metric_families(sys.stdin.read()) for s in family.samples]
        json.dump(samples, sys.stdout)
        """;

    public static async Task<IReadOnlyList<PrometheusSample>> ParseAsync(string exposition)
    {
        var output = await DebianPython.RunAsync(Parser, exposition, $"prometheus_client refused the exposition\n{exposition}");
        using var document = JsonDocument.Parse(output);
        return [.. document.RootElement.EnumerateArray().Select(s => new PrometheusSample(
            s.GetProperty("name").GetString()!,
            s.GetProperty("labels").EnumerateObject().ToDictionary(l => l.Name, l => l.Value.GetString()!),
            s.GetProperty("value").ValueKind == JsonValueKind.Null ? double.NaN : s.GetProperty("value").GetDouble()))];
    }

    /// <summary>The sum of the samples with that name and (at least) those labels ("name=value"); 0 when there is none yet.</summary>
    public static double ValueOf(this IReadOnlyList<PrometheusSample> samples, string name, params string[] labels) =>
        samples.Where(s => s.Name == name && labels.Select(l => l.Split('=', 2)).All(l => s.Labels.TryGetValue(l[0], out var v) && v == l[1])).Sum(s => s.Value);

    public static string Describe(this IReadOnlyList<PrometheusSample> samples, string prefix) =>
        string.Join('\n', samples.Where(s => s.Name.StartsWith(prefix, StringComparison.Ordinal))
            .Select(s => $"{s.Name}{{{string.Join(',', s.Labels.Select(l => $"{l.Key}={l.Value}"))}}} {s.Value.ToString(CultureInfo.InvariantCulture)}"));
}
