using System.Globalization;
using EtlWeb.Tests.Support;

namespace EtlWeb.Tests.Postgres;

/// <summary>
/// PostgreSQL restarted while an attempt runs (every session of the node ends at once): the attempt's log is stored
/// on through new connections and its end is settled once the server answers again. A cluster of its own, as the
/// restart would cut every other test's sessions.
/// </summary>
public sealed class PostgresRestartTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task An_attempt_running_across_a_database_restart_ends_Succeeded_with_every_line_once()
    {
        await using var factory = new EtlWebFactory { Settings = PostgresFixture.Settings(await postgres.CreateDatabaseAsync()) };
        using var client = factory.CreateClient();
        var gate = Path.Combine(factory.DataDirectory, "gate");
        var job = await client.CreateJobAsync(JobsClient.ShellJob("across").With(
            "command", $"for i in $(seq 1 40); do echo $i; if [ $i = 20 ]; then while [ ! -f '{gate}' ]; do sleep 0.05; done; fi; done"));
        var runId = await client.RunJobAsync(job);
        await client.WaitForRunAsync(runId, r => r.Attempts.Count == 1 && r.Attempts[0].LogLines >= 21);

        await postgres.RestartAsync();
        await File.WriteAllTextAsync(gate, "");
        var run = await client.WaitForEndAsync(runId);

        Assert.Equal("Succeeded", run.Status);
        Assert.Equal(0, Assert.Single(run.Attempts).ExitCode);
        var stdout = (await client.LogAsync(runId, "?stream=stdout")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Enumerable.Range(1, 40).Select(i => i.ToString(CultureInfo.InvariantCulture)), stdout);
    }
}
