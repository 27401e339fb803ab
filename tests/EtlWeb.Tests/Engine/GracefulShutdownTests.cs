using System.Globalization;
using EtlWeb.Testing;
using EtlWeb.Tests.Support;
using Microsoft.Data.Sqlite;

namespace EtlWeb.Tests.Engine;

public sealed class GracefulShutdownTests : ChildAppTest
{
    [Fact]
    public async Task Under_Detach_a_stop_leaves_the_job_running_and_the_next_start_follows_it_to_its_end_with_every_line_once()
    {
        Directory.CreateDirectory(DataDirectory);
        var address = EtlWebChild.FreeAddress();
        long runId;
        await using (var app = await AppProcess.StartAsync(DataDirectory, address))
        {
            using var client = app.CreateClient();
            var job = JobsClient.ShellJob("numbers");
            job["command"] = "for i in $(seq 1 40); do echo $i; sleep 0.1; done";
            runId = await client.RunJobAsync(await client.CreateJobAsync(job));
            await client.WaitForRunAsync(runId, r => r.Status == "Running");
            await WaitForStdoutAsync(client, runId, 5);

            await app.StopGracefullyAsync();
        }

        Assert.Equal(("Running", "Running"), await StatusAsync(runId));

        await using (var app = await AppProcess.StartAsync(DataDirectory, address))
        {
            using var client = app.CreateClient();
            var run = await client.WaitForEndAsync(runId);

            Assert.Equal("Succeeded", run.Status);
            Assert.Single(run.Attempts);
            var lines = (await client.LogAsync(runId, "?stream=stdout")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(Enumerable.Range(1, 40).Select(i => i.ToString(CultureInfo.InvariantCulture)), lines);
            var log = await client.LogAsync(runId);
            Assert.Contains("EtlWeb is stopping (Detach)", log, StringComparison.Ordinal);
            Assert.Contains("EtlWeb restarted", log, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Under_Kill_a_stop_lets_an_attempt_finish_within_the_grace_and_interrupts_one_that_does_not_leaving_no_process()
    {
        Directory.CreateDirectory(DataDirectory);
        var settings = new Dictionary<string, string>
        {
            ["EtlWeb__StopPolicy"] = "Kill", ["EtlWeb__ShutdownGraceSeconds"] = "4", ["EtlWeb__KillGraceSeconds"] = "1",
        };
        var pidFile = Path.Combine(DataDirectory, "long.pid");
        long quick, slow;
        await using (var app = await AppProcess.StartAsync(DataDirectory, EtlWebChild.FreeAddress(), settings))
        {
            using var client = app.CreateClient();
            var quickJob = JobsClient.ShellJob("quick");
            quickJob["command"] = $"touch {DataDirectory}/quick-started; sleep 2; echo finished";
            var slowJob = JobsClient.ShellJob("slow");
            slowJob["command"] = $"echo $$ > {pidFile}; exec sleep 300";
            quick = await client.RunJobAsync(await client.CreateJobAsync(quickJob));
            slow = await client.RunJobAsync(await client.CreateJobAsync(slowJob));
            await client.WaitForRunAsync(slow, _ => File.Exists(pidFile) && new FileInfo(pidFile).Length > 0);
            await client.WaitForRunAsync(quick, _ => File.Exists(Path.Combine(DataDirectory, "quick-started")));

            await app.StopGracefullyAsync();
        }

        Assert.Equal(("Succeeded", "Succeeded"), await StatusAsync(quick));
        var (runStatus, attemptStatus) = await StatusAsync(slow);
        Assert.Equal("Interrupted", attemptStatus);
        Assert.Equal("Interrupted", runStatus);
        Assert.Contains("shutting down", await MessageAsync(slow), StringComparison.Ordinal);
        var pid = int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture);
        Assert.False(RunsClient.IsAlive(pid), $"the attempt process {pid} outlived the stop");
    }

    private static async Task WaitForStdoutAsync(HttpClient client, long runId, int count)
    {
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(60);
        while ((await client.LogAsync(runId, "?stream=stdout")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length < count)
        {
            Assert.True(TimeProvider.System.GetUtcNow() < deadline, $"run {runId} did not reach {count} stored lines");
            await Task.Delay(50);
        }
    }

    private async Task<(string Run, string Attempt)> StatusAsync(long runId)
    {
        await using var db = Open();
        await using var command = db.CreateCommand();
        command.CommandText = "SELECT r.Status, a.Status FROM runs r JOIN attempts a ON a.RunId = r.Id WHERE r.Id = $id ORDER BY a.Number DESC LIMIT 1";
        command.Parameters.AddWithValue("$id", runId);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"run {runId} has no attempt");
        return (reader.GetString(0), reader.GetString(1));
    }

    private async Task<string> MessageAsync(long runId)
    {
        await using var db = Open();
        await using var command = db.CreateCommand();
        command.CommandText = "SELECT Message FROM attempts WHERE RunId = $id ORDER BY Number DESC LIMIT 1";
        command.Parameters.AddWithValue("$id", runId);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    // Read from the file, not through a restarted app: recovery at start would adopt or settle a left-over attempt.
    private SqliteConnection Open()
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(DataDirectory, "etlweb.db")};Mode=ReadOnly");
        connection.Open();
        return connection;
    }
}
