using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using EtlWeb.Bench.Baselines;
using EtlWeb.Bench.Infrastructure;

namespace EtlWeb.Bench.Scenarios;

/// <summary>
/// A burst of runs of <c>true</c> triggered at once through the API, until all have ended, against plain
/// Hangfire running as many empty jobs with the same storage settings and worker count.
/// </summary>
public static class ThroughputScenario
{
    private const int Runs = 1000;
    private const int InFlight = 16;
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    public static async Task RunAsync(string dataDirectory, JsonObject result)
    {
        var clock = TimeProvider.System;
        double perSecond;
        await using (var app = await AppUnderTest.StartAsync(BenchSettings.AppDirectory(dataDirectory), BenchSettings.App()))
        {
            using var api = new ApiClient(app.Address);

            // Allow: with Skip or Queue the design folds triggers of a job that has not started yet into one run.
            var job = await api.CreateShellJobAsync("throughput", "true", new Dictionary<string, object> { ["overlap_policy"] = "allow" });
            var runIds = new ConcurrentBag<long>();
            var before = clock.GetUtcNow();
            await Parallel.ForAsync(0, Runs, new ParallelOptions { MaxDegreeOfParallelism = InFlight }, async (_, _) =>
                runIds.Add(await api.TriggerAsync(job)));
            result["post_s"] = Stats.Round((clock.GetUtcNow() - before).TotalSeconds, 2);

            // The newest run is among the last to be dequeued; then one full listing confirms every run ended.
            await api.WaitFinishedAsync(runIds.Max(), TimeSpan.FromMilliseconds(250), Timeout);
            var runs = await AllEndedAsync(api, job, runIds.Count);
            var last = runs.Max(r => r.FinishedAt!.Value);
            perSecond = runs.Count / (last - before).TotalSeconds;
            result["runs"] = runs.Count;
            result["succeeded"] = runs.Count(r => r.Status == "Succeeded");
            result["wall_s"] = Stats.Round((last - before).TotalSeconds, 2);
            result["runs_per_s"] = Stats.Round(perSecond);
            app.ReportLogHealth(result);
        }

        using var hangfire = new HangfireBaseline(BenchSettings.BaselineDirectory(dataDirectory), BenchSettings.WorkerCount);
        await hangfire.WarmUpAsync();
        var baseline = await hangfire.ThroughputPerSecondAsync(Runs, InFlight);
        result["baseline_hangfire_per_s"] = Stats.Round(baseline);
        result["ratio"] = Stats.Round(perSecond / baseline, 2);
    }

    private static async Task<IReadOnlyList<RunView>> AllEndedAsync(ApiClient api, int job, int expected)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var runs = await api.ListRunsAsync(job, expected);
            var ended = runs.Count(r => r.IsTerminal);
            if (ended >= expected)
            {
                return runs;
            }

            if (clock.Elapsed > Timeout)
            {
                throw new TimeoutException($"Only {ended} of {expected} runs had ended after {Timeout.TotalMinutes} more minutes.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
    }
}
