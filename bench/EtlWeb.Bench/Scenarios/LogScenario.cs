using System.Globalization;
using System.Text.Json.Nodes;
using EtlWeb.Bench.Baselines;
using EtlWeb.Bench.Infrastructure;

namespace EtlWeb.Bench.Scenarios;

/// <summary>
/// A job printing two million numbered lines: how fast EtlWeb captures and stores them, whether all come back
/// in order, and how much memory it takes, against the same command writing to a file.
/// </summary>
public static class LogScenario
{
    private const long Lines = 2_000_000;
    private const int BaselineRepeats = 3;
    private static readonly string Command = $"seq 1 {Lines}";

    public static async Task RunAsync(string dataDirectory, JsonObject result)
    {
        double wallSeconds;
        await using (var app = await AppUnderTest.StartAsync(BenchSettings.AppDirectory(dataDirectory), BenchSettings.App()))
        {
            using var api = new ApiClient(app.Address);
            var job = await api.CreateShellJobAsync("log", Command);
            RunView run;
            long rssBefore;
            long rssPeak;
            await using (var rss = new RssSampler(app.Pid))
            {
                rssBefore = rss.Baseline;
                var runId = await api.TriggerAsync(job);
                run = await api.WaitFinishedAsync(runId, TimeSpan.FromMilliseconds(200), TimeSpan.FromMinutes(5));
                rssPeak = rss.Peak;
            }

            var attempt = run.Attempts[0];
            wallSeconds = (attempt.FinishedAt!.Value - attempt.StartedAt!.Value).TotalSeconds;
            result["status"] = run.Status;
            result["wall_s"] = Stats.Round(wallSeconds, 2);
            result["lines_per_s"] = Math.Round(Lines / wallSeconds);
            result["memory_growth_mb"] = Stats.Round((rssPeak - rssBefore) / (1024.0 * 1024.0));
            result["rss_before_mb"] = Stats.Round(rssBefore / (1024.0 * 1024.0));

            var read = System.Diagnostics.Stopwatch.StartNew();
            var (stored, inOrder) = await VerifyStdoutAsync(api, run.Id);
            result["lines_stored"] = stored;
            result["in_order"] = inOrder && stored == Lines;
            result["system_lines"] = attempt.LogLines - stored;
            result["read_back_s"] = Stats.Round(read.Elapsed.TotalSeconds, 2);
            app.ReportLogHealth(result);
        }

        var baselines = new List<double>();
        var file = Path.Combine(dataDirectory, "seq.out");
        for (var i = 0; i < BaselineRepeats; i++)
        {
            baselines.Add(await ProcessBaseline.ShellToFileSecondsAsync(Command, file));
        }

        var baseline = Stats.Percentile(baselines, 0.5);
        result["baseline_wall_s"] = Stats.Round(baseline, 3);
        result["ratio"] = Stats.Round(wallSeconds / baseline, 1);
    }

    /// <summary>Streams the stored stdout and checks it is exactly 1..N in order.</summary>
    private static async Task<(long Count, bool InOrder)> VerifyStdoutAsync(ApiClient api, long runId)
    {
        long count = 0;
        var inOrder = true;
        await api.ReadLogAsync(runId, "stdout", line =>
        {
            count++;
            if (inOrder && !(long.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value == count))
            {
                inOrder = false;
                Console.Error.WriteLine($"log: line {count} is '{line}'");
            }
        });
        return (count, inOrder);
    }
}
