using System.Globalization;
using EtlWeb.Testing;
using EtlWeb.Tests.Support;
using Microsoft.Data.Sqlite;

namespace EtlWeb.Tests.Engine;

public sealed class CrashRecoveryTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "etlweb-tests", "crash-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task After_a_kill_9_each_running_run_shows_an_Interrupted_attempt_then_a_retry_that_succeeds_and_no_orphan_survives()
    {
        Directory.CreateDirectory(_dataDirectory);
        var address = EtlWebChild.FreeAddress();
        var settings = new Dictionary<string, string> { ["EtlWeb__KillGraceSeconds"] = "1" };
        var runIds = new List<long>();
        var names = new[] { "one", "two", "three" };
        await using (var app = await AppProcess.StartAsync(_dataDirectory, address, settings))
        {
            using var client = app.CreateClient();
            foreach (var name in names)
            {
                var job = JobsClient.ShellJob(name);
                var marker = Path.Combine(_dataDirectory, "again-" + name);
                job["command"] = $"echo $$ >> {_dataDirectory}/pids-{name}; if [ -f {marker} ]; then echo second; else touch {marker}; sleep 300; fi";
                job["max_retries"] = 1;
                runIds.Add(await client.RunJobAsync(await client.CreateJobAsync(job)));
            }

            foreach (var name in names)
            {
                await client.WaitForRunAsync(runIds[0], _ => File.Exists(Path.Combine(_dataDirectory, "again-" + name)));
            }

            await app.KillHardAsync();
        }

        var firstPids = names.Select(n => int.Parse(File.ReadLines(Path.Combine(_dataDirectory, "pids-" + n)).First(), CultureInfo.InvariantCulture)).ToList();
        Assert.All(firstPids, pid => Assert.True(RunsClient.IsAlive(pid), $"the attempt process {pid} should outlive the app it was started by"));

        await using (var restarted = await AppProcess.StartAsync(_dataDirectory, address, settings))
        {
            using var client = restarted.CreateClient();
            foreach (var runId in runIds)
            {
                var run = await client.WaitForEndAsync(runId);
                Assert.Equal("Succeeded", run.Status());
                Assert.Equal(["Interrupted", "Succeeded"], run.Attempts().Select(a => a!["status"]!.GetValue<string>()));
                Assert.Contains("second", await client.LogAsync(runId), StringComparison.Ordinal);
            }
        }

        Assert.All(firstPids, pid => Assert.False(RunsClient.IsAlive(pid), $"orphan process {pid} survived the restart"));
    }
}
