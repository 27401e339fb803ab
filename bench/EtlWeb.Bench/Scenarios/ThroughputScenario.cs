using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using EtlWeb.Bench.Baselines;
using EtlWeb.Bench.Infrastructure;
using EtlWeb.Testing;

namespace EtlWeb.Bench.Scenarios;

/// <summary>
/// A burst of runs of <c>true</c> triggered at once through the API, until all have ended: on EtlWeb's default SQLite
/// storage, against plain Hangfire running as many empty jobs with the same storage settings and worker count, and
/// on a throwaway PostgreSQL cluster (<c>postgres_ratio</c>: PostgreSQL's figure over SQLite's).
/// </summary>
public static class ThroughputScenario
{
    private const int Runs = 1000;
    private const int InFlight = 16;
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(4);

    public static async Task RunAsync(string dataDirectory, JsonObject result)
    {
        var perSecond = await MeasureAsync(BenchSettings.AppDirectory(dataDirectory), BenchSettings.App(), result, "", null);
        await StatementsPerRunAsync(Path.Combine(dataDirectory, "etlweb-statements"), result);

        // The same bursts with EtlWeb's stores on a throwaway PostgreSQL cluster on this machine (one node running attempts).
        await using (var cluster = await PostgresCluster.StartAsync())
        {
            var database = await cluster.CreateDatabaseAsync();
            var settings = BenchSettings.App();
            settings["EtlWeb__Database__Provider"] = "PostgreSql";
            settings["EtlWeb__Database__ConnectionString"] = database;
            var onPostgres = await MeasureAsync(Path.Combine(dataDirectory, "etlweb-postgres"), settings, result, "_postgres", database);
            result["postgres_ratio"] = Stats.Round(onPostgres / perSecond, 2);
        }

        using var hangfire = new HangfireBaseline(BenchSettings.BaselineDirectory(dataDirectory), BenchSettings.WorkerCount);
        await hangfire.WarmUpAsync();
        await hangfire.ThroughputPerSecondAsync(Runs, InFlight);
        var benchCpuBefore = ProcFs.CpuMilliseconds(Environment.ProcessId);
        var baseline = await hangfire.ThroughputPerSecondAsync(Runs, InFlight);
        var benchCpu = ProcFs.CpuMilliseconds(Environment.ProcessId) - benchCpuBefore;
        // The ratio is taken against the faster baseline figure, which leaves Hangfire's poll delay out.
        result["baseline_hangfire_per_s"] = Stats.Round(baseline.FromFirstJob);
        result["baseline_hangfire_from_enqueue_per_s"] = Stats.Round(baseline.FromEnqueue);
        result["baseline_cpu_ms_per_job"] = Stats.Round(benchCpu / Runs, 2);
        result["ratio"] = Stats.Round(perSecond / baseline.FromFirstJob, 2);
    }

    /// <summary>
    /// A cold and a warm burst against EtlWeb started with <paramref name="settings"/>; records the figures under their
    /// names plus <paramref name="suffix"/> and returns the warm runs per second. On PostgreSQL (<paramref name="database"/>
    /// given) it also records the time sessions spent waiting for locks during the warm burst.
    /// </summary>
    private static async Task<double> MeasureAsync(
        string appDirectory, Dictionary<string, string> settings, JsonObject result, string suffix, string? database)
    {
        await using var app = await AppUnderTest.StartAsync(appDirectory, settings);
        using var api = new ApiClient(app.Address);

        // Allow: with Skip or Queue the design folds triggers of a job that has not started yet into one run.
        var job = await api.CreateShellJobAsync("throughput", "true", new Dictionary<string, object> { ["overlap_policy"] = "allow" });

        // The first burst of a fresh process is paid largely to the JIT (tiered compilation of EF Core, Hangfire
        // and ASP.NET Core); it is reported apart, and the figure that counts is the same burst once warm.
        var cold = await BurstAsync(app, api, job);
        result[$"cold_runs_per_s{suffix}"] = Stats.Round(cold.PerSecond);
        result[$"cold_cpu_ms_per_run{suffix}"] = Stats.Round(cold.CpuMilliseconds / Runs, 2);

        Burst warm;
        if (database is null)
        {
            warm = await BurstAsync(app, api, job);
        }
        else
        {
            await using var locks = await LockWaitSampler.StartAsync(database);
            warm = await BurstAsync(app, api, job);
            result[$"lock_wait_ms_per_run{suffix}"] = Stats.Round(locks.WaitingSeconds * 1000 / Runs, 2);
            result[$"lock_waiting_sessions_max{suffix}"] = locks.MostWaiting;
        }

        result[$"post_s{suffix}"] = Stats.Round(warm.PostSeconds, 2);
        result[$"runs{suffix}"] = warm.Runs.Count;
        result[$"succeeded{suffix}"] = warm.Runs.Count(r => r.Status == "Succeeded");
        result[$"wall_s{suffix}"] = Stats.Round(warm.WallSeconds, 2);
        result[$"runs_per_s{suffix}"] = Stats.Round(warm.PerSecond);

        // CPU the app spent per run (user + system, all threads): tells a CPU-bound burst from one that waits.
        result[$"app_cpu_ms_per_run{suffix}"] = Stats.Round(warm.CpuMilliseconds / Runs, 2);
        app.ReportLogHealth(result, suffix);
        return warm.PerSecond;
    }

    /// <summary>
    /// The app DB statements a run costs (EF Core's command log counted during a warm burst, the burst's own polling of
    /// the API included; Hangfire's statements on its own database are not logged), in an app of its own: the log's
    /// cost must not weigh on the CPU figures.
    /// </summary>
    private static async Task StatementsPerRunAsync(string appDirectory, JsonObject result)
    {
        var settings = BenchSettings.App();
        settings[IdleScenario.CommandLogSetting] = "Information";
        await using var app = await AppUnderTest.StartAsync(appDirectory, settings);
        var statements = 0;
        app.OutputLine += line =>
        {
            if (line.Contains(IdleScenario.CommandLogged, StringComparison.Ordinal))
            {
                Interlocked.Increment(ref statements);
            }
        };
        using var api = new ApiClient(app.Address);
        var job = await api.CreateShellJobAsync("statements", "true", new Dictionary<string, object> { ["overlap_policy"] = "allow" });
        await BurstAsync(app, api, job);
        var before = Volatile.Read(ref statements);
        await BurstAsync(app, api, job);
        result["app_db_statements_per_run"] = Stats.Round((Volatile.Read(ref statements) - before) / (double)Runs, 1);
    }

    private sealed record Burst(IReadOnlyList<RunView> Runs, double PostSeconds, double WallSeconds, double PerSecond, double CpuMilliseconds);

    /// <summary>Triggers <see cref="Runs"/> runs with <see cref="InFlight"/> callers at once and waits until all have ended.</summary>
    private static async Task<Burst> BurstAsync(AppUnderTest app, ApiClient api, int job)
    {
        var clock = TimeProvider.System;
        var runIds = new ConcurrentBag<long>();
        var cpuBefore = ProcFs.CpuMilliseconds(app.Pid);
        var before = clock.GetUtcNow();
        await Parallel.ForAsync(0, Runs, new ParallelOptions { MaxDegreeOfParallelism = InFlight }, async (_, _) =>
            runIds.Add(await api.TriggerAsync(job)));
        var posted = clock.GetUtcNow();

        // The newest run is among the last to be dequeued; then one listing of this burst's runs confirms every run ended.
        await api.WaitFinishedAsync(runIds.Max(), TimeSpan.FromMilliseconds(250), RunTimeout);
        var ids = runIds.ToHashSet();
        var runs = (await AllEndedAsync(api, job, ids)).ToList();
        var cpu = ProcFs.CpuMilliseconds(app.Pid) - cpuBefore;
        var wall = (runs.Max(r => r.FinishedAt!.Value) - before).TotalSeconds;
        return new Burst(runs, (posted - before).TotalSeconds, wall, runs.Count / wall, cpu);
    }

    private static async Task<IEnumerable<RunView>> AllEndedAsync(ApiClient api, int job, HashSet<long> ids)
    {
        var clock = Stopwatch.StartNew();
        var expected = ids.Count;
        while (true)
        {
            // Newest first: the burst's runs are the newest ones of the job.
            var runs = (await api.ListRunsAsync(job, expected)).Where(r => ids.Contains(r.Id)).ToList();
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
