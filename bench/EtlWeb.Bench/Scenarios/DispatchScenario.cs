using System.Text.Json.Nodes;
using EtlWeb.Bench.Baselines;
using EtlWeb.Bench.Infrastructure;

namespace EtlWeb.Bench.Scenarios;

/// <summary>
/// Sequential triggers of a shell job running <c>true</c>: how long from the POST until the process is being
/// started (the attempt's claim time) and until the run is Succeeded, against plain Hangfire's enqueue-to-start
/// and a bare process start.
/// </summary>
public static class DispatchScenario
{
    private const int Triggers = 50;

    /// <summary>Not counted: the first triggers pay for JIT and cold caches; the very first is reported apart.</summary>
    private const int WarmUps = 3;

    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);

    public static async Task RunAsync(string dataDirectory, JsonObject result)
    {
        var clock = TimeProvider.System;
        var starts = new List<double>();
        var dones = new List<double>();
        var posts = new List<double>();
        var queued = new List<double>();
        await using (var app = await AppUnderTest.StartAsync(BenchSettings.AppDirectory(dataDirectory), BenchSettings.App()))
        {
            using var api = new ApiClient(app.Address);
            var job = await api.CreateShellJobAsync("dispatch", "true");
            for (var i = -WarmUps; i < Triggers; i++)
            {
                var before = clock.GetUtcNow();
                var runId = await api.TriggerAsync(job);
                var posted = clock.GetUtcNow();

                // Waits on the log's follow mode, which ends with the run: no polling load on the app.
                var run = await api.FollowUntilFinishedAsync(runId, RunTimeout);
                if (run.Status != "Succeeded")
                {
                    throw new InvalidOperationException($"Run {runId} ended {run.Status}.");
                }

                var start = (run.Attempts[0].StartedAt!.Value - before).TotalMilliseconds;
                if (i == -WarmUps)
                {
                    result["cold_start_ms"] = Stats.Round(start);
                }

                if (i >= 0)
                {
                    starts.Add(start);
                    dones.Add((run.FinishedAt!.Value - before).TotalMilliseconds);
                    posts.Add((posted - before).TotalMilliseconds);
                    queued.Add((run.Attempts[0].StartedAt!.Value - run.QueuedAt).TotalMilliseconds);
                }
            }

            app.ReportLogHealth(result);
        }

        result["triggers"] = Triggers;
        result["warm_ups"] = WarmUps;
        result["start_p50_ms"] = Stats.Round(Stats.Percentile(starts, 0.50));
        result["start_p99_ms"] = Stats.Round(Stats.Percentile(starts, 0.99));
        result["start_max_ms"] = Stats.Round(starts.Max());
        result["done_p50_ms"] = Stats.Round(Stats.Percentile(dones, 0.50));
        result["done_p99_ms"] = Stats.Round(Stats.Percentile(dones, 0.99));

        // Where the start time goes: the POST round trip, and from the run row's creation to the claim.
        result["post_p50_ms"] = Stats.Round(Stats.Percentile(posts, 0.50));
        result["queued_to_start_p50_ms"] = Stats.Round(Stats.Percentile(queued, 0.50));

        using (var hangfire = new HangfireBaseline(BenchSettings.BaselineDirectory(dataDirectory), BenchSettings.WorkerCount))
        {
            await hangfire.WarmUpAsync();
            var latencies = new List<double>();
            var enqueues = new List<double>();
            for (var i = 0; i < Triggers; i++)
            {
                var (enqueue, start) = await hangfire.DispatchMillisecondsAsync(i);
                enqueues.Add(enqueue);
                latencies.Add(start);
            }

            result["baseline_hangfire_p50_ms"] = Stats.Round(Stats.Percentile(latencies, 0.50));
            result["baseline_hangfire_p99_ms"] = Stats.Round(Stats.Percentile(latencies, 0.99));
            result["baseline_hangfire_enqueue_p50_ms"] = Stats.Round(Stats.Percentile(enqueues, 0.50));
        }

        var spawns = new List<double>();
        for (var i = 0; i < Triggers; i++)
        {
            spawns.Add(await ProcessBaseline.SpawnMillisecondsAsync());
        }

        result["baseline_spawn_p50_ms"] = Stats.Round(Stats.Percentile(spawns, 0.50), 2);
    }
}
