using System.Text.Json.Nodes;
using EtlWeb.Bench.Infrastructure;

namespace EtlWeb.Bench.Scenarios;

/// <summary>
/// EtlWeb left running for SOAK_MINUTES (default 60) with 50 jobs on mixed schedules: every 15 s, every minute,
/// failing with a retry, timing out, and pipelines of three. Each minute it samples the process's resident memory,
/// CPU, open file descriptors and threads and the size of the data directory's databases; after the warm-up (a
/// third of the run, at most 10 minutes) it reports how much each grew. The target is flat: RSS and descriptors
/// grow less than 10 %.
/// </summary>
public static class SoakScenario
{
    private const double FlatPercent = 10;
    private static readonly TimeSpan Sample = TimeSpan.FromMinutes(1);

    public static async Task RunAsync(string dataDirectory, JsonObject result)
    {
        var minutes = int.TryParse(Environment.GetEnvironmentVariable("SOAK_MINUTES"), out var m) && m >= 3 ? m : 60;
        var warmUp = Math.Min(10, minutes / 3);
        var appDirectory = BenchSettings.AppDirectory(dataDirectory);
        await using var app = await AppUnderTest.StartAsync(appDirectory, BenchSettings.App());
        using var api = new ApiClient(app.Address);
        var jobs = await CreateJobsAsync(api);

        var samples = new JsonArray();
        var figures = new List<SoakSample>();
        using var timer = new PeriodicTimer(Sample);
        var cpuBefore = ProcFs.CpuMilliseconds(app.Pid);
        for (var minute = 1; minute <= minutes; minute++)
        {
            await timer.WaitForNextTickAsync();
            var cpu = ProcFs.CpuMilliseconds(app.Pid);
            var sample = new SoakSample(
                minute, ProcFs.ResidentBytes(app.Pid) / (1024.0 * 1024.0), (cpu - cpuBefore) / Sample.TotalMilliseconds * 100,
                ProcFs.OpenDescriptors(app.Pid), ProcFs.Threads(app.Pid), DatabaseBytes(appDirectory) / (1024.0 * 1024.0));
            cpuBefore = cpu;
            figures.Add(sample);
            samples.Add(sample.ToJson());
            await Console.Error.WriteLineAsync($"soak minute {minute}/{minutes}: {sample.ToJson().ToJsonString()}");
        }

        var runs = 0;
        foreach (var job in jobs)
        {
            runs += (await api.ListRunsAsync(job, 1000)).Count;
        }

        var settled = figures.Skip(warmUp).ToList();
        var window = Math.Clamp(settled.Count / 4, 1, 5);
        result["minutes"] = minutes;
        result["warm_up_minutes"] = warmUp;
        result["jobs"] = jobs.Count;
        result["runs"] = runs;
        result["rss_growth_percent"] = Growth(settled, window, s => s.RssMb);
        result["fds_growth_percent"] = Growth(settled, window, s => s.Descriptors);
        result["threads_growth_percent"] = Growth(settled, window, s => s.Threads);
        result["cpu_percent_of_core_mean"] = Stats.Round(settled.Average(s => s.CpuPercent), 2);
        result["db_growth_mb_per_hour"] = Stats.Round((settled[^1].DatabaseMb - settled[0].DatabaseMb) / Math.Max(1, settled.Count - 1) * 60, 1);
        result["flat"] = (double)result["rss_growth_percent"]! < FlatPercent && (double)result["fds_growth_percent"]! < FlatPercent;
        result["samples"] = samples;
        app.ReportLogHealth(result);
    }

    /// <summary>50 jobs: 10 every 15 s, 10 every minute, 10 failing a third of the time with one retry, 5 timing out each minute, 5 pipelines of three.</summary>
    private static async Task<List<int>> CreateJobsAsync(ApiClient api)
    {
        var jobs = new List<int>();
        for (var i = 0; i < 10; i++)
        {
            jobs.Add(await api.CreateShellJobAsync($"quarter-{i:D2}", "seq 1 20", Cron($"{i}/15 * * * * *")));
        }

        for (var i = 0; i < 10; i++)
        {
            jobs.Add(await api.CreateShellJobAsync($"minute-{i:D2}", "seq 1 200; echo warning >&2", new Dictionary<string, object> { ["schedule_type"] = "interval", ["interval_minutes"] = 1 }));
        }

        for (var i = 0; i < 10; i++)
        {
            var flaky = Cron($"{(i * 3) % 30}/30 * * * * *");
            flaky["max_retries"] = 1;
            flaky["retry_delay_seconds"] = 2;
            jobs.Add(await api.CreateShellJobAsync($"flaky-{i:D2}", "echo try; [ $(( $(od -An -N1 -tu1 /dev/urandom) % 3 )) != 0 ]", flaky));
        }

        for (var i = 0; i < 5; i++)
        {
            var slow = Cron($"{i * 10} * * * * *");
            slow["timeout_seconds"] = 3;
            jobs.Add(await api.CreateShellJobAsync($"slow-{i:D2}", "echo waiting; sleep 30", slow));
        }

        for (var i = 0; i < 5; i++)
        {
            jobs.Add(await api.CreateShellJobAsync($"extract-{i}", "seq 1 50", Cron($"{i * 12 + 5} * * * * *")));
            jobs.Add(await api.CreateShellJobAsync($"transform-{i}", "seq 1 50", new Dictionary<string, object> { ["dependencies"] = new[] { $"extract-{i}" } }));
            jobs.Add(await api.CreateShellJobAsync($"load-{i}", "seq 1 50", new Dictionary<string, object> { ["dependencies"] = new[] { $"transform-{i}" } }));
        }

        return jobs;
    }

    private static Dictionary<string, object> Cron(string expression) => new() { ["schedule_type"] = "cron", ["cron_expression"] = expression };

    /// <summary>The mean of the last <paramref name="window"/> samples against the mean of the first ones, in percent.</summary>
    private static double Growth(List<SoakSample> samples, int window, Func<SoakSample, double> figure)
    {
        var first = samples.Take(window).Average(figure);
        var last = samples.TakeLast(window).Average(figure);
        return Stats.Round((last - first) / first * 100, 1);
    }

    /// <summary>The SQLite files of the data directory (databases and their write-ahead logs).</summary>
    private static long DatabaseBytes(string appDirectory) =>
        Directory.EnumerateFiles(appDirectory, "*.db*").Sum(f => new FileInfo(f).Length);

    private sealed record SoakSample(int Minute, double RssMb, double CpuPercent, int Descriptors, int Threads, double DatabaseMb)
    {
        public JsonObject ToJson() => new()
        {
            ["minute"] = Minute,
            ["rss_mb"] = Stats.Round(RssMb),
            ["cpu_percent"] = Stats.Round(CpuPercent, 2),
            ["fds"] = Descriptors,
            ["threads"] = Threads,
            ["db_mb"] = Stats.Round(DatabaseMb, 2),
        };
    }
}
