using EtlWeb.Core.Execution;
using EtlWeb.Orchestration;
using EtlWeb.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace EtlWeb.Tests.ScaleOut;

/// <summary>
/// A node that comes back after another took it for lost (a network cut, a long pause) must not let its process run
/// on, nor overwrite the outcome the other node recorded. Here the other node's takeover is written straight into
/// the database, as the lost node only ever sees that.
/// </summary>
public sealed class DisownTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task A_returning_node_stops_the_process_of_an_attempt_settled_elsewhere_and_keeps_that_outcome()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var settings = PostgresFixture.Settings(connectionString);
        settings["EtlWeb:Node:Name"] = "node-a";
        await using var factory = new EtlWebFactory { Settings = settings };
        using var client = factory.CreateClient();
        var marker = Path.Combine(factory.DataDirectory, "marker");
        var job = await client.CreateJobAsync(JobsClient.ShellJob("long").With("command", $"echo \"$ETLWEB_ATTEMPT\" > '{marker}'; sleep 600"));
        var runId = await client.RunJobAsync(job);
        await client.WaitForRunAsync(runId, r => r.Status == "Running" && File.Exists(marker) && new FileInfo(marker).Length > 0);
        var attemptMarker = (await File.ReadAllTextAsync(marker)).Trim();
        Assert.NotEmpty(ProcessTree.FindByMarker(attemptMarker));

        const string TakenOver = "Interrupted: node node-a was lost; taken over by node-b.";
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var settle = new NpgsqlCommand(
                "UPDATE attempts SET \"Status\" = 'Interrupted', \"Message\" = @message, \"FinishedAt\" = now() WHERE \"RunId\" = @run;"
                + "UPDATE runs SET \"Status\" = 'Interrupted', \"FinishedAt\" = now() WHERE \"Id\" = @run", connection);
            settle.Parameters.AddWithValue("message", TakenOver);
            settle.Parameters.AddWithValue("run", runId);
            await settle.ExecuteNonQueryAsync();
        }

        var heartbeat = factory.Services.GetServices<IHostedService>().OfType<NodeHeartbeat>().Single();
        await heartbeat.BeatAsync(CancellationToken.None);

        await WaitForAsync(() => Task.FromResult(ProcessTree.FindByMarker(attemptMarker).Count == 0));
        await WaitForAsync(async () => (await client.LogAsync(runId)).Contains("node-a was taken for lost and another node settled this attempt", StringComparison.Ordinal));
        var run = await client.GetRunAsync(runId);
        Assert.Equal("Interrupted", run.Status);
        Assert.Equal(TakenOver, Assert.Single(run.Attempts).Message);
    }

    [Fact]
    public async Task A_node_that_restarts_kills_what_still_runs_of_its_attempts_that_ended_and_nothing_of_other_nodes()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var settings = PostgresFixture.Settings(connectionString);
        settings["EtlWeb:Node:Name"] = "node-a";
        var dataDirectory = Path.Combine(Path.GetTempPath(), "etlweb-tests", "restart-" + Guid.NewGuid().ToString("N"));
        string mine;
        string theirs;
        await using (var first = new EtlWebFactory { Settings = settings, DataDirectory = dataDirectory, DeleteDataDirectoryOnDispose = false })
        {
            using var client = first.CreateClient();
            var job = await client.CreateJobAsync(JobsClient.ShellJob("quick").With("overlap_policy", "allow"));
            var ownRun = await client.RunJobAsync(job);
            var otherRun = await client.RunJobAsync(job);
            await client.WaitForEndAsync(ownRun);
            await client.WaitForEndAsync(otherRun);
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using (var move = new NpgsqlCommand("UPDATE attempts SET \"Node\" = 'node-b' WHERE \"RunId\" = @run", connection))
            {
                move.Parameters.AddWithValue("run", otherRun);
                await move.ExecuteNonQueryAsync();
            }

            mine = await MarkerAsync(connection, ownRun);
            theirs = await MarkerAsync(connection, otherRun);
        }

        // What a node killed with SIGKILL leaves: processes carrying the markers of attempts that ended meanwhile.
        using var orphan = Sleeper(mine);
        using var otherNodes = Sleeper(theirs);
        try
        {
            await using var restarted = new EtlWebFactory { Settings = settings, DataDirectory = dataDirectory };
            using var client = restarted.CreateClient();

            await WaitForAsync(() => Task.FromResult(orphan.HasExited));
            Assert.False(otherNodes.HasExited);
            Assert.NotEmpty(ProcessTree.FindByMarker(theirs));
        }
        finally
        {
            otherNodes.Kill();
            orphan.Kill();
        }
    }

    private static async Task<string> MarkerAsync(NpgsqlConnection connection, long runId)
    {
        await using var read = new NpgsqlCommand("SELECT \"Marker\" FROM attempts WHERE \"RunId\" = @run", connection);
        read.Parameters.AddWithValue("run", runId);
        return (string)(await read.ExecuteScalarAsync())!;
    }

    private static System.Diagnostics.Process Sleeper(string marker)
    {
        var start = new System.Diagnostics.ProcessStartInfo("setsid", ["sleep", "600"]) { UseShellExecute = false };
        start.Environment[ProcessTree.MarkerVariable] = marker;
        return System.Diagnostics.Process.Start(start)!;
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(30);
        while (!await condition())
        {
            Assert.True(TimeProvider.System.GetUtcNow() < deadline, "The condition did not hold within 30 s.");
            await Task.Delay(50);
        }
    }
}
