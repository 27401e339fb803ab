using System.Text.Json.Nodes;
using EtlWeb.Bench.Infrastructure;

namespace EtlWeb.Bench.Scenarios;

/// <summary>
/// A chain of 200 <c>true</c> jobs and a fan-out/fan-in 1 -> 100 -> 1, each started by triggering its first job:
/// the latency of every edge (upstream Succeeded to downstream process start) and the wall time of each.
/// </summary>
public static class DagScenario
{
    private const int ChainLength = 200;
    private const int FanWidth = 100;
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(5);

    public static async Task RunAsync(string dataDirectory, JsonObject result)
    {
        var edges = new List<double>();
        await using var app = await AppUnderTest.StartAsync(BenchSettings.AppDirectory(dataDirectory), BenchSettings.App());
        using var api = new ApiClient(app.Address);

        var chain = new List<int>();
        for (var i = 0; i < ChainLength; i++)
        {
            var extra = new Dictionary<string, object> { ["dependencies"] = i == 0 ? Array.Empty<string>() : new[] { $"chain-{i - 1:D3}" } };
            chain.Add(await api.CreateShellJobAsync($"chain-{i:D3}", "true", extra));
        }

        var first = await api.GetRunAsync(await api.TriggerAsync(chain[0]));
        var chainRuns = new List<RunView>();
        foreach (var job in chain)
        {
            chainRuns.Add(await WaitForOnlyRunAsync(api, job));
        }

        for (var i = 1; i < chainRuns.Count; i++)
        {
            edges.Add(Edge(chainRuns[i - 1], chainRuns[i]));
        }

        result["chain_wall_s"] = Stats.Round((chainRuns[^1].FinishedAt!.Value - first.QueuedAt).TotalSeconds, 2);

        var source = await api.CreateShellJobAsync("fan-source", "true");
        var middle = new List<int>();
        for (var i = 0; i < FanWidth; i++)
        {
            middle.Add(await api.CreateShellJobAsync($"fan-{i:D3}", "true", new Dictionary<string, object> { ["dependencies"] = new[] { "fan-source" } }));
        }

        var sink = await api.CreateShellJobAsync("fan-sink", "true", new Dictionary<string, object> { ["dependencies"] = Enumerable.Range(0, FanWidth).Select(i => $"fan-{i:D3}").ToArray() });
        var sourceRun = await api.GetRunAsync(await api.TriggerAsync(source));
        var middleRuns = new List<RunView>();
        foreach (var job in middle)
        {
            middleRuns.Add(await WaitForOnlyRunAsync(api, job));
        }

        var sinkRun = await WaitForOnlyRunAsync(api, sink);
        sourceRun = await api.GetRunAsync(sourceRun.Id);
        edges.AddRange(middleRuns.Select(m => Edge(sourceRun, m)));
        edges.Add(Edge(middleRuns.MaxBy(m => m.FinishedAt)!, sinkRun));
        result["fan_wall_s"] = Stats.Round((sinkRun.FinishedAt!.Value - sourceRun.QueuedAt).TotalSeconds, 2);
        result["edges"] = edges.Count;
        result["edge_p50_ms"] = Stats.Round(Stats.Percentile(edges, 0.50));
        result["edge_p99_ms"] = Stats.Round(Stats.Percentile(edges, 0.99));
        app.ReportLogHealth(result);
    }

    /// <summary>From the upstream's Succeeded to the downstream's process start.</summary>
    private static double Edge(RunView upstream, RunView downstream) =>
        (downstream.Attempts[0].StartedAt!.Value - upstream.FinishedAt!.Value).TotalMilliseconds;

    private static async Task<RunView> WaitForOnlyRunAsync(ApiClient api, int job)
    {
        using var deadline = new CancellationTokenSource(RunTimeout);
        while (true)
        {
            var runs = await api.ListRunsAsync(job, 2);
            if (runs.Count == 1 && runs[0].IsTerminal)
            {
                return runs[0].Status == "Succeeded" ? runs[0] : throw new InvalidOperationException($"Run {runs[0].Id} of job {job} ended {runs[0].Status}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token);
        }
    }
}
