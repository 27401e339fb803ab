using System.Globalization;
using EtlWeb.Testing;
using EtlWeb.Tests.Support;

namespace EtlWeb.Tests.Engine;

public sealed class CrashRecoveryTests : ChildAppTest
{
    [Fact]
    public async Task After_a_kill_9_each_running_run_shows_an_Interrupted_attempt_then_a_retry_that_succeeds_and_no_orphan_survives()
    {
        Directory.CreateDirectory(DataDirectory);
        var address = EtlWebChild.FreeAddress();
        var settings = new Dictionary<string, string> { ["EtlWeb__KillGraceSeconds"] = "1" };
        var runIds = new List<long>();
        var names = new[] { "one", "two", "three" };
        await using (var app = await AppProcess.StartAsync(DataDirectory, address, settings))
        {
            using var client = app.CreateClient();
            foreach (var name in names)
            {
                var job = JobsClient.ShellJob(name);
                var marker = Path.Combine(DataDirectory, "again-" + name);
                job["command"] = $"echo $$ >> {DataDirectory}/pids-{name}; if [ -f {marker} ]; then echo second; else touch {marker}; sleep 300; fi";
                job["max_retries"] = 1;
                runIds.Add(await client.RunJobAsync(await client.CreateJobAsync(job)));
            }

            foreach (var name in names)
            {
                await client.WaitForRunAsync(runIds[0], _ => File.Exists(Path.Combine(DataDirectory, "again-" + name)));
            }

            await app.KillHardAsync();
        }

        var firstPids = names.Select(n => int.Parse(File.ReadLines(Path.Combine(DataDirectory, "pids-" + n)).First(), CultureInfo.InvariantCulture)).ToList();
        Assert.All(firstPids, pid => Assert.True(RunsClient.IsAlive(pid), $"the attempt process {pid} should outlive the app it was started by"));

        await using (var restarted = await AppProcess.StartAsync(DataDirectory, address, settings))
        {
            using var client = restarted.CreateClient();
            foreach (var runId in runIds)
            {
                var run = await client.WaitForEndAsync(runId);
                Assert.Equal("Succeeded", run.Status);
                Assert.Equal(["Interrupted", "Succeeded"], run.Attempts.Select(a => a.Status));
                Assert.Contains("second", await client.LogAsync(runId), StringComparison.Ordinal);
            }
        }

        Assert.All(firstPids, pid => Assert.False(RunsClient.IsAlive(pid), $"orphan process {pid} survived the restart"));
    }
}
