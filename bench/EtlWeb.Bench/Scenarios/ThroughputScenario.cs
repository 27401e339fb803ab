using System.Collections.Concurrent;
using System.Diagnostics;
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
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(4);

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
            var cpuBefore = ProcFs.CpuMilliseconds(app.Pid);
            var before = clock.GetUtcNow();
            await Parallel.ForAsync(0, Runs, new ParallelOptions { MaxDegreeOfParallelism = InFlight }, async (_, _) =>
                runIds.Add(await api.TriggerAsync(job)));
            result["post_s"] = Stats.Round((clock.GetUtcNow() - before).TotalSeconds, 2);

            // The newest run is among the last to be dequeued; then one full listing confirms every run ended.
            await api.WaitFinishedAsync(runIds.Max(), TimeSpan.FromMilliseconds(250), RunTimeout);
            var runs = await AllEndedAsync(api, job, runIds.Count);
            var cpu = ProcFs.CpuMilliseconds(app.Pid) - cpuBefore;
            var last = runs.Max(r => r.FinishedAt!.Value);
            perSecond = runs.Count / (last - before).TotalSeconds;
            result["runs"] = runs.Count;
            result["succeeded"] = runs.Count(r => r.Status == "Succeeded");
            result["wall_s"] = Stats.Round((last - before).TotalSeconds, 2);
            result["runs_per_s"] = Stats.Round(perSecond);

            // CPU the app spent per run (user + system, all threads): tells a CPU-bound burst from one that waits.
            result["app_cpu_ms_per_run"] = Stats.Round(cpu / runs.Count, 2);
            app.ReportLogHealth(result);
        }

        using var hangfire = new HangfireBaseline(BenchSettings.BaselineDirectory(dataDirectory), BenchSettings.WorkerCount);
        await hangfire.WarmUpAsync();
        var benchCpuBefore = ProcFs.CpuMilliseconds(Environment.ProcessId);
        var baseline = await hangfire.ThroughputPerSecondAsync(Runs, InFlight);
        var benchCpu = ProcFs.CpuMilliseconds(Environment.ProcessId) - benchCpuBefore;
        result["baseline_hangfire_per_s"] = Stats.Round(baseline);
        result["baseline_cpu_ms_per_job"] = Stats.Round(benchCpu / Runs, 2);
        result["ratio"] = Stats.Round(perSecond / baseline, 2);
    }

    private static async Task<IReadOnlyList<RunView>> AllEndedAsync(ApiClient api, int job, int expected)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var runs = await api.ListRunsAsync(job, expected);
            var ended = runs.Count(r => r.IsTerminal);
            if (ended >= expected)
            {
                return runs;
            }

            if (clock.Elapsed > RunTimeout)
            {
                throw new TimeoutException($"Only {ended} of {expected} runs had ended after {RunTimeout.TotalMinutes} more minutes.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
    }
}
