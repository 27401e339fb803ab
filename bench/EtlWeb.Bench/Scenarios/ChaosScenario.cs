using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using EtlWeb.Bench.Chaos;
using EtlWeb.Bench.Infrastructure;
using EtlWeb.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace EtlWeb.Bench.Scenarios;

/// <summary>
/// The fault table: a mixed workload (<see cref="ChaosWorkload"/>) under four series of faults at random moments,
/// each on a fresh database, each followed by the checks of <see cref="ChaosAudit"/>: kill -9 of EtlWeb on SQLite,
/// kill -9 of a worker node and of the web node on PostgreSQL, PostgreSQL restarted during runs, and (as root) a
/// data directory on a small tmpfs that fills up and gets its space back. CHAOS_SQLITE_KILLS, CHAOS_PG_KILLS,
/// CHAOS_PG_RESTARTS and CHAOS_DISK_FILLS set how many faults each series injects (0 leaves it out).
/// </summary>
public static class ChaosScenario
{
    public static async Task RunAsync(string dataDirectory, JsonObject result)
    {
        var seed = Setting("CHAOS_SEED", Random.Shared.Next());
        var random = new Random(seed);
        result["seed"] = seed;
        result["date"] = TimeProvider.System.GetUtcNow().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        result["machine"] = Machine();
        var (sqliteKills, postgresKills, postgresRestarts, fills) =
            (Setting("CHAOS_SQLITE_KILLS", 200), Setting("CHAOS_PG_KILLS", 50), Setting("CHAOS_PG_RESTARTS", 5), Setting("CHAOS_DISK_FILLS", 10));
        if (sqliteKills > 0)
        {
            result["sqlite_kill"] = await SqliteKillsAsync(dataDirectory, sqliteKills, random);
        }

        if (postgresKills + postgresRestarts > 0)
        {
            await using var cluster = await PostgresCluster.StartAsync();
            if (postgresKills > 0)
            {
                result["postgres_kill"] = await PostgresKillsAsync(dataDirectory, cluster, postgresKills, random);
            }

            if (postgresRestarts > 0)
            {
                result["postgres_restart"] = await PostgresRestartsAsync(dataDirectory, cluster, postgresRestarts, random);
            }
        }

        if (fills > 0)
        {
            result["disk_full"] = await DiskFullAsync(dataDirectory, fills, random);
        }
    }

    private static async Task<JsonObject> SqliteKillsAsync(string root, int kills, Random random)
    {
        var series = new JsonObject { ["fault"] = "kill -9 of EtlWeb (SQLite)", ["faults"] = kills };
        var directory = Path.Combine(root, "sqlite-kill");
        var ledger = Path.Combine(root, "sqlite-kill.ledger");
        var faults = new List<DateTimeOffset>();
        await using var node = await ChaosNode.StartAsync(directory, KeepingEveryRun(BenchSettings.App()));
        using var api = new ApiClient(node.Address);
        var workload = await ChaosWorkload.CreateAsync(api, ledger);
        for (var i = 1; i <= kills; i++)
        {
            await Task.Delay(Between(random, 0.5, 3));
            faults.Add(TimeProvider.System.GetUtcNow());
            await node.KillAndRestartAsync();
            await Progress("sqlite kill", i, kills);
        }

        await FinishAsync(series, workload, api, node, SqliteConnector(directory));
        RestartFigures(series, node, ChaosLedger.Read(ledger), faults);
        await node.DisposeAsync();
        series["integrity_check"] = ChaosAudit.IntegrityCheck(directory);
        return series;
    }

    private static async Task<JsonObject> PostgresKillsAsync(string root, PostgresCluster cluster, int kills, Random random)
    {
        var series = new JsonObject { ["fault"] = "kill -9 of a worker node and of the web node (PostgreSQL)", ["faults"] = 2 * kills };
        var database = await cluster.CreateDatabaseAsync();
        var directory = Path.Combine(root, "postgres-kill");
        await using var web = await ChaosNode.StartAsync(Path.Combine(directory, "web"), KeepingEveryRun(BenchSettings.PostgresNode(database, "web", worker: false)));
        await using var worker1 = await ChaosNode.StartAsync(Path.Combine(directory, "worker-1"), KeepingEveryRun(BenchSettings.PostgresNode(database, "worker-1", worker: true)));
        await using var worker2 = await ChaosNode.StartAsync(Path.Combine(directory, "worker-2"), KeepingEveryRun(BenchSettings.PostgresNode(database, "worker-2", worker: true)));
        using var api = new ApiClient(web.Address);
        var workload = await ChaosWorkload.CreateAsync(api, Path.Combine(root, "postgres-kill.ledger"));
        for (var i = 0; i < 2 * kills; i++)
        {
            await Task.Delay(Between(random, 0.5, 3));
            var victim = i % 2 == 1 ? web : i % 4 == 0 ? worker1 : worker2;
            await victim.KillAndRestartAsync();
            await Progress("postgres kill", i + 1, 2 * kills);
        }

        ChaosNode[] nodes = [web, worker1, worker2];
        await FinishAsync(series, workload, api, nodes, PostgresConnector(database));
        series["restart_to_healthy_ms_p50"] = Stats.Round(Stats.Percentile(nodes.SelectMany(n => n.RestartToHealthyMilliseconds).ToList(), 0.5));
        series["restart_to_healthy_ms_max"] = Stats.Round(nodes.SelectMany(n => n.RestartToHealthyMilliseconds).Max());
        return series;
    }

    private static async Task<JsonObject> PostgresRestartsAsync(string root, PostgresCluster cluster, int restarts, Random random)
    {
        var series = new JsonObject { ["fault"] = "PostgreSQL restarted during runs", ["faults"] = restarts };
        var database = await cluster.CreateDatabaseAsync();
        var directory = Path.Combine(root, "postgres-restart");
        await using var web = await ChaosNode.StartAsync(Path.Combine(directory, "web"), KeepingEveryRun(BenchSettings.PostgresNode(database, "web", worker: false)));
        await using var worker = await ChaosNode.StartAsync(Path.Combine(directory, "worker"), KeepingEveryRun(BenchSettings.PostgresNode(database, "worker", worker: true)));
        using var api = new ApiClient(web.Address);
        var workload = await ChaosWorkload.CreateAsync(api, Path.Combine(root, "postgres-restart.ledger"));
        var down = new List<double>();
        for (var i = 1; i <= restarts; i++)
        {
            await Task.Delay(Between(random, 3, 10));
            var clock = Stopwatch.StartNew();
            await cluster.RestartAsync();
            down.Add(clock.Elapsed.TotalMilliseconds);
            await web.RestartIfExitedAsync();
            await worker.RestartIfExitedAsync();
            await Progress("postgres restart", i, restarts);
        }

        // Runs go on after the last restart before the schedules stop.
        await Task.Delay(TimeSpan.FromSeconds(20));
        await FinishAsync(series, workload, api, [web, worker], PostgresConnector(database));
        series["restart_ms_p50"] = Stats.Round(Stats.Percentile(down, 0.5));
        return series;
    }

    private static async Task<JsonObject> DiskFullAsync(string root, int fills, Random random)
    {
        var series = new JsonObject { ["fault"] = "data directory on a 128 MiB tmpfs filled up, then freed", ["faults"] = fills };
        if (Environment.UserName != "root")
        {
            series["skipped"] = "mounting a tmpfs needs root";
            return series;
        }

        var mount = Path.Combine(root, "small");
        Directory.CreateDirectory(mount);
        await RunAsync("mount", "-t", "tmpfs", "-o", "size=128m", "tmpfs", mount);
        try
        {
            var directory = Path.Combine(mount, "etlweb");
            var full = new List<(DateTimeOffset From, DateTimeOffset To)>();
            await using var node = await ChaosNode.StartAsync(directory, KeepingEveryRun(BenchSettings.App()), Path.Combine(root, "disk-full-console.log"));
            using var api = new ApiClient(node.Address);
            var workload = await ChaosWorkload.CreateAsync(api, Path.Combine(root, "disk-full.ledger"));
            var filler = Path.Combine(mount, "filler");
            for (var i = 1; i <= fills; i++)
            {
                await Task.Delay(Between(random, 3, 10));
                var from = TimeProvider.System.GetUtcNow();
                await FillAsync(filler);
                await Task.Delay(Between(random, 3, 10));
                File.Delete(filler);
                full.Add((from, TimeProvider.System.GetUtcNow()));
                await node.RestartIfExitedAsync();
                await Progress("disk full", i, fills);
            }

            await Task.Delay(TimeSpan.FromSeconds(20));
            await node.RestartIfExitedAsync();

            // A job's own writes fail while the disk is full: the lines it could not write are its loss, not EtlWeb's.
            await FinishAsync(series, workload, api, [node], SqliteConnector(directory), run => !full.Any(f => Overlaps(run, f.From, f.To)));
            await node.DisposeAsync();
            series["integrity_check"] = ChaosAudit.IntegrityCheck(directory);
        }
        finally
        {
            await RunAsync("umount", "-l", mount);
        }

        return series;
    }

    /// <summary>Stops the schedules, waits for every run to end, checks, and adds the nodes' figures.</summary>
    private static async Task FinishAsync(
        JsonObject series, ChaosWorkload workload, ApiClient api, IReadOnlyList<ChaosNode> nodes, Func<DbConnection> connect, Func<RunView, bool>? logCheckable = null)
    {
        await workload.DisableAsync(api);
        await ChaosAudit.DrainAsync(connect);
        await ChaosAudit.CheckAsync(connect, workload, api, series, logCheckable);
        series["nodes_exited_on_their_own"] = nodes.Sum(n => n.Exits);
        series["app_warnings"] = nodes.Sum(n => n.Warnings);
        series["app_errors"] = nodes.Sum(n => n.Errors);
        await Console.Error.WriteLineAsync($"chaos: {series.ToJsonString()}");
    }

    private static Task FinishAsync(JsonObject series, ChaosWorkload workload, ApiClient api, ChaosNode node, Func<DbConnection> connect) =>
        FinishAsync(series, workload, api, [node], connect);

    /// <summary>From each restart to the first script started after it, when that came before the next fault.</summary>
    private static void RestartFigures(JsonObject series, ChaosNode node, ChaosLedger ledger, IReadOnlyList<DateTimeOffset> faults)
    {
        var toFirstRun = new List<double>();
        var restarts = node.Restarts;
        for (var i = 0; i < restarts.Count; i++)
        {
            var next = i + 1 < faults.Count ? faults[i + 1] : DateTimeOffset.MaxValue;
            if (ledger.FirstStartAfter(restarts[i]) is { } first && first < next)
            {
                toFirstRun.Add((first - restarts[i]).TotalMilliseconds);
            }
        }

        series["restart_to_healthy_ms_p50"] = Stats.Round(Stats.Percentile(node.RestartToHealthyMilliseconds.ToList(), 0.5));
        series["restart_to_healthy_ms_max"] = Stats.Round(node.RestartToHealthyMilliseconds.Max());
        series["restart_to_first_run_ms_p50"] = Stats.Round(Stats.Percentile(toFirstRun, 0.5));
        series["restart_to_first_run_ms_max"] = Stats.Round(toFirstRun.Max());
        series["restarts_killed_again_before_a_run_started"] = restarts.Count - toFirstRun.Count;
    }

    /// <summary>Writes zeros until the filesystem is full.</summary>
    private static async Task FillAsync(string path)
    {
        var block = new byte[1024 * 1024];
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 0);
        try
        {
            while (true)
            {
                await file.WriteAsync(block);
            }
        }
        catch (IOException)
        {
            // No space left: the filesystem is full.
        }
    }

    private static bool Overlaps(RunView run, DateTimeOffset from, DateTimeOffset to) =>
        run.Attempts.Any(a => a.StartedAt <= to && (a.FinishedAt ?? DateTimeOffset.MaxValue) >= from);

    /// <summary>No run is removed by retention (it keeps 500 per job by default): the audit checks every script started.</summary>
    private static Dictionary<string, string> KeepingEveryRun(Dictionary<string, string> settings)
    {
        settings["EtlWeb__Retention__RunsPerJob"] = "0";
        return settings;
    }

    private static Func<DbConnection> SqliteConnector(string directory) =>
        () => new SqliteConnection($"Data Source={Path.Combine(directory, "etlweb.db")};Mode=ReadOnly;Pooling=False");

    private static Func<DbConnection> PostgresConnector(string database) => () => new NpgsqlConnection(database);

    private static TimeSpan Between(Random random, double fromSeconds, double toSeconds) =>
        TimeSpan.FromSeconds(fromSeconds + (random.NextDouble() * (toSeconds - fromSeconds)));

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), CultureInfo.InvariantCulture, out var value) && value >= 0 ? value : fallback;

    private static Task Progress(string series, int done, int total) =>
        done % 10 == 0 || done == total ? Console.Error.WriteLineAsync($"chaos: {series} {done}/{total}") : Task.CompletedTask;

    private static string Machine()
    {
        var model = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        var memory = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        var os = File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?[12..].Trim('"') ?? "Linux";
        return $"{os}, {Environment.ProcessorCount} cores ({model}), {long.Parse(memory, CultureInfo.InvariantCulture) / (1024 * 1024)} GiB";
    }

    private static async Task RunAsync(string program, params string[] arguments)
    {
        using var process = Process.Start(program, arguments);
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}.");
        }
    }
}
