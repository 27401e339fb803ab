using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using EtlWeb.Bench.Infrastructure;
using EtlWeb.Testing;

namespace EtlWeb.Bench.Scenarios;

/// <summary>
/// Scale-out on PostgreSQL: a web node that runs no attempts and worker nodes, each a real EtlWeb process, on a
/// throwaway cluster. A burst of runs of <c>true</c> triggered through the web node's API with one worker node,
/// then the same burst once a second worker node has joined; every node on this one machine shares its cores with
/// the others and with PostgreSQL, so the ratio shows what a second worker costs and gains here, not on two machines.
/// Each phase also reports the time database sessions spent waiting for locks (<see cref="LockWaitSampler"/>).
/// </summary>
public static class ScaleOutScenario
{
    private const int Runs = 1000;
    private const int WarmUpRuns = 50;
    private const int InFlight = 16;
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(4);

    public static async Task RunAsync(string dataDirectory, JsonObject result)
    {
        await using var cluster = await PostgresCluster.StartAsync();
        var database = await cluster.CreateDatabaseAsync();
        var nodes = new Dictionary<string, AppUnderTest>();
        try
        {
            // The web node first: it migrates the empty database.
            var web = await AppUnderTest.StartAsync(Path.Combine(dataDirectory, "web"), BenchSettings.PostgresNode(database, "web", worker: false));
            nodes["web"] = web;
            nodes["worker-1"] = await AppUnderTest.StartAsync(Path.Combine(dataDirectory, "worker-1"), BenchSettings.PostgresNode(database, "worker-1", worker: true));
            using var api = new ApiClient(web.Address);
            result["workers_per_node"] = BenchSettings.WorkerCount;

            var one = await MeasureAsync(api, nodes, database, "one-worker");
            Record(result, one, "one_worker", "phase1");

            nodes["worker-2"] = await AppUnderTest.StartAsync(Path.Combine(dataDirectory, "worker-2"), BenchSettings.PostgresNode(database, "worker-2", worker: true));
            var two = await MeasureAsync(api, nodes, database, "two-workers");
            Record(result, two, "two_workers", "phase2");
            result["ratio"] = Stats.Round(two.PerSecond / one.PerSecond, 2);
            result["app_warnings"] = nodes.Values.Sum(n => n.Warnings);
            result["app_errors"] = nodes.Values.Sum(n => n.Errors);
        }
        finally
        {
            // Workers first, so that none is left polling a web node's database that is going away.
            foreach (var node in nodes.Values.Reverse())
            {
                await node.DisposeAsync();
            }
        }
    }

    /// <summary>A phase's figures: <c>{name}_runs_per_s</c>, <c>_wall_s</c>, <c>_succeeded</c>, and per node and machine <c>..._{phase}</c>.</summary>
    private static void Record(JsonObject result, Phase measured, string name, string phase)
    {
        result[$"{name}_runs_per_s"] = Stats.Round(measured.PerSecond);
        result[$"{name}_wall_s"] = Stats.Round(measured.WallSeconds, 2);
        result[$"{name}_succeeded"] = measured.Succeeded;
        result[$"runs_per_node_{phase}"] = Counts(measured.RunsPerNode);
        result[$"cpu_ms_per_run_{phase}"] = Figures(measured.CpuMillisecondsPerRun);
        result[$"machine_busy_{phase}"] = Stats.Round(measured.MachineBusy, 2);
        result[$"lock_wait_ms_per_run_{phase}"] = Stats.Round(measured.LockWaitSeconds * 1000 / Runs, 2);
        result[$"lock_waiting_sessions_max_{phase}"] = measured.MostWaitingForLocks;
    }

    private sealed record Phase(
        double PerSecond, double WallSeconds, int Succeeded, IReadOnlyDictionary<string, int> RunsPerNode, IReadOnlyDictionary<string, double> CpuMillisecondsPerRun,
        double MachineBusy, double LockWaitSeconds, int MostWaitingForLocks);

    /// <summary>A job of its own, warmed up with <see cref="WarmUpRuns"/> runs, then <see cref="Runs"/> runs measured from the first trigger to the last end.</summary>
    private static async Task<Phase> MeasureAsync(ApiClient api, IReadOnlyDictionary<string, AppUnderTest> nodes, string database, string name)
    {
        // Allow: with Skip or Queue the design folds triggers of a job that has not started yet into one run.
        var job = await api.CreateShellJobAsync(name, "true", new Dictionary<string, object> { ["overlap_policy"] = "allow" });
        await BurstAsync(api, job, WarmUpRuns);
        await Console.Error.WriteLineAsync($"{name}: warmed up with {WarmUpRuns} runs on {nodes.Count - 1} worker node(s)");

        var cpuBefore = nodes.ToDictionary(n => n.Key, n => ProcFs.CpuMilliseconds(n.Value.Pid));
        var machineBefore = ProcFs.MachineTicks();
        var before = TimeProvider.System.GetUtcNow();
        IReadOnlyList<RunView> runs;
        double lockWait;
        int mostWaiting;
        await using (var locks = await LockWaitSampler.StartAsync(database))
        {
            runs = await BurstAsync(api, job, Runs);
            (lockWait, mostWaiting) = (locks.WaitingSeconds, locks.MostWaiting);
        }

        var wall = (runs.Max(r => r.FinishedAt!.Value) - before).TotalSeconds;
        var cpu = nodes.ToDictionary(n => n.Key, n => (ProcFs.CpuMilliseconds(n.Value.Pid) - cpuBefore[n.Key]) / Runs);

        // The share of all cores busy (nodes, PostgreSQL and this program): near 1, the nodes wait for CPU, not work.
        var machine = ProcFs.MachineTicks();
        var busy = (double)(machine.Busy - machineBefore.Busy) / (machine.Total - machineBefore.Total);
        var perNode = runs.SelectMany(r => r.Attempts).GroupBy(a => a.Node ?? "(none)").ToDictionary(g => g.Key, g => g.Count());
        await Console.Error.WriteLineAsync($"{name}: {runs.Count} runs in {wall:F2} s, per node {string.Join(", ", perNode.Select(n => $"{n.Key} {n.Value}"))}");
        return new Phase(runs.Count / wall, wall, runs.Count(r => r.Status == "Succeeded"), perNode, cpu, busy, lockWait, mostWaiting);
    }

    /// <summary>Triggers <paramref name="count"/> runs with <see cref="InFlight"/> callers at once and waits until all have ended.</summary>
    private static async Task<IReadOnlyList<RunView>> BurstAsync(ApiClient api, int job, int count)
    {
        var runIds = new ConcurrentBag<long>();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = InFlight }, async (_, _) =>
            runIds.Add(await api.TriggerAsync(job)));

        // The newest run is among the last to be dequeued; then listings of the burst's runs confirm every run ended.
        await api.WaitFinishedAsync(runIds.Max(), TimeSpan.FromMilliseconds(250), RunTimeout);
        var ids = runIds.ToHashSet();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            // Newest first: the burst's runs are the newest ones of the job.
            var runs = (await api.ListRunsAsync(job, count)).Where(r => ids.Contains(r.Id)).ToList();
            var ended = runs.Count(r => r.IsTerminal);
            if (ended == count)
            {
                return runs;
            }

            if (clock.Elapsed > RunTimeout)
            {
                throw new TimeoutException($"Only {ended} of {count} runs had ended after {RunTimeout.TotalMinutes} more minutes.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    private static JsonObject Counts(IReadOnlyDictionary<string, int> values) =>
        new(values.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => KeyValuePair.Create(v.Key, (JsonNode?)v.Value)));

    private static JsonObject Figures(IReadOnlyDictionary<string, double> values) =>
        new(values.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => KeyValuePair.Create(v.Key, (JsonNode?)Stats.Round(v.Value, 2))));
}
