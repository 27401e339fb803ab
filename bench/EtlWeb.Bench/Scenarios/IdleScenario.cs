using System.Diagnostics;
using System.Text.Json.Nodes;
using EtlWeb.Bench.Baselines;
using EtlWeb.Bench.Infrastructure;

namespace EtlWeb.Bench.Scenarios;

/// <summary>
/// A hundred enabled jobs that will not fire for months: what EtlWeb costs while nothing happens, against an
/// idle plain Hangfire server with the same settings. SQL statements are counted from EF Core's command log on
/// the app's console; Hangfire's own SQLite queries are not logged, so their rate is computed from the settings.
/// </summary>
public static class IdleScenario
{
    private const int Jobs = 100;
    /// <summary>What EF Core's command log writes for each statement it ran (at Information for its Command category).</summary>
    internal const string CommandLogged = "Executed DbCommand";

    internal const string CommandLogSetting = "Serilog__MinimumLevel__Override__Microsoft.EntityFrameworkCore.Database.Command";
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    public static async Task RunAsync(string dataDirectory, JsonObject result)
    {
        var settings = BenchSettings.App();
        settings[CommandLogSetting] = "Information";
        await using (var app = await AppUnderTest.StartAsync(BenchSettings.AppDirectory(dataDirectory), settings))
        {
            var statements = 0;
            app.OutputLine += line =>
            {
                if (line.Contains(CommandLogged, StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref statements);
                }
            };

            using var api = new ApiClient(app.Address);
            var far = new Dictionary<string, object> { ["schedule_type"] = "cron", ["cron_expression"] = "0 0 1 1 *", ["enabled"] = true };
            for (var i = 0; i < Jobs; i++)
            {
                await api.CreateShellJobAsync($"idle-{i:D3}", "true", far);
            }

            await Task.Delay(Settle);
            var statementsBefore = Volatile.Read(ref statements);
            var (cpu, seconds) = await CpuPercentAsync(app.Pid);
            var executed = Volatile.Read(ref statements) - statementsBefore;

            result["jobs"] = Jobs;
            result["window_s"] = Stats.Round(seconds, 1);
            result["cpu_percent_of_core"] = Stats.Round(cpu, 2);
            result["db_statements_per_s"] = Stats.Round(executed / seconds, 2);
            result["hangfire_poll_per_s_computed"] = BenchSettings.WorkerCount / BenchSettings.EtlWebQueuePollSeconds;
            result["baseline_hangfire_poll_per_s_computed"] = BenchSettings.WorkerCount / BenchSettings.QueuePollSeconds;
            result["rss_mb"] = Stats.Round(ProcFs.ResidentBytes(app.Pid) / (1024.0 * 1024.0));
            app.ReportLogHealth(result);
        }

        // The bench process itself does nothing meanwhile, so its CPU time is the idle server's.
        using var hangfire = new HangfireBaseline(BenchSettings.BaselineDirectory(dataDirectory), BenchSettings.WorkerCount);
        await hangfire.WarmUpAsync();
        await Task.Delay(Settle);
        var (baseline, _) = await CpuPercentAsync(Environment.ProcessId);
        result["baseline_hangfire_cpu_percent_of_core"] = Stats.Round(baseline, 2);
    }

    /// <summary>CPU time the process used over the window, as a percentage of one core.</summary>
    private static async Task<(double Percent, double Seconds)> CpuPercentAsync(int pid)
    {
        var cpu = ProcFs.CpuMilliseconds(pid);
        var before = Stopwatch.GetTimestamp();
        await Task.Delay(Window);
        var used = ProcFs.CpuMilliseconds(pid) - cpu;
        var seconds = Stopwatch.GetElapsedTime(before).TotalSeconds;
        return (used / (seconds * 1000) * 100, seconds);
    }
}
