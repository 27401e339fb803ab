using System.Net;
using EtlWeb.Core.Jobs;
using EtlWeb.Testing;
using EtlWeb.Tests.Support;

namespace EtlWeb.Tests.Postgres;

/// <summary>EtlWeb as a real process with both stores in a real PostgreSQL database (a throwaway cluster on loopback).</summary>
public sealed class PostgresProcessTests(PostgresFixture postgres) : ChildAppTest, IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Jobs_logs_a_pipeline_a_retry_and_a_cron_fire_work_and_survive_a_restart()
    {
        var environment = PostgresFixture.Environment(await postgres.CreateDatabaseAsync());
        var address = EtlWebChild.FreeAddress();
        long helloRun;
        long pipelineRun;
        long retryRun;
        await using (var app = await AppProcess.StartAsync(DataDirectory, address, environment))
        {
            using var client = app.CreateClient();
            var hello = await client.CreateJobAsync(JobsClient.ShellJob("hello").With("command", "echo out-line; echo err-line >&2"));
            helloRun = await client.RunJobAsync(hello);
            Assert.Equal("Succeeded", (await client.WaitForEndAsync(helloRun)).Status);
            var log = await client.LogAsync(helloRun);
            Assert.Contains("out-line", log, StringComparison.Ordinal);
            Assert.Contains("err-line", log, StringComparison.Ordinal);

            // Names are unique as they are written, as on SQLite: another case is another name.
            var (duplicate, problem) = await client.SendJsonAsync(HttpMethod.Post, "/api/jobs", JobsClient.ShellJob("hello").ToJsonString());
            Assert.Equal(HttpStatusCode.BadRequest, duplicate);
            Assert.Contains("already exists", JobsClient.ErrorsOf(problem, "name")[0], StringComparison.Ordinal);
            await client.CreateJobAsync(JobsClient.ShellJob("Hello"));

            var extract = await client.CreateJobAsync(JobsClient.ShellJob("extract"));
            var load = await client.CreateJobAsync(JobsClient.ShellJob("load", "extract"));
            pipelineRun = await client.TriggerAsync(extract);
            var extracted = await client.WaitForEndAsync(pipelineRun);
            Assert.Equal("Succeeded", extracted.Status);
            var downstream = Assert.Single(await client.WaitForRunsAsync(load, 1));
            var loadRun = await client.WaitForEndAsync(downstream.Id);
            Assert.Equal("Succeeded", loadRun.Status);
            Assert.Equal(extracted.PipelineId!.Value, loadRun.PipelineId);
            Assert.True(loadRun.StartedAt >= extracted.FinishedAt);

            var flaky = await client.CreateJobAsync(JobsClient.ShellJob("flaky").With("command", "exit 3").With("max_retries", 1));
            retryRun = await client.RunJobAsync(flaky);
            var failed = await client.WaitForEndAsync(retryRun);
            Assert.Equal("Failed", failed.Status);
            Assert.Equal(["Failed", "Failed"], failed.Attempts.Select(a => a.Status));

            var everySecond = await client.CreateJobAsync(JobsClient.ShellJob("every-second")
                .With("schedule_type", "cron").With("cron_expression", "* * * * * *"));
            var fired = await client.WaitForRunsAsync(everySecond, 2, r => r.Trigger == "Schedule");
            await client.PostAsync(new Uri($"/api/jobs/{everySecond.Id}/disable", UriKind.Relative), null);
            Assert.Equal("Succeeded", (await client.WaitForEndAsync(fired[^1].Id)).Status);

            using var backup = await client.PostAsync(new Uri("/api/backup", UriKind.Relative), null);
            Assert.Equal(HttpStatusCode.Conflict, backup.StatusCode);
            Assert.Contains("pg_dump", await backup.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            await app.StopGracefullyAsync();
        }

        await using (var restarted = await AppProcess.StartAsync(DataDirectory, address, environment))
        {
            using var client = restarted.CreateClient();
            var names = (await client.GetDocumentAsync<List<JobDocument>>("/api/jobs")).Select(j => j.Name).Order(StringComparer.Ordinal);
            Assert.Equal(["Hello", "every-second", "extract", "flaky", "hello", "load"], names);
            Assert.Equal("Succeeded", (await client.GetRunAsync(helloRun)).Status);
            Assert.Equal("Failed", (await client.GetRunAsync(retryRun)).Status);
            Assert.Contains("out-line", await client.LogAsync(helloRun), StringComparison.Ordinal);

            var hello = (await client.GetDocumentAsync<List<JobDocument>>("/api/jobs")).Single(j => j.Name == "hello");
            var again = await client.RunJobAsync(hello);
            Assert.Equal("Succeeded", (await client.WaitForEndAsync(again)).Status);
            Assert.True(again > pipelineRun);
        }

        Assert.Empty(Directory.GetFiles(DataDirectory, "*.db"));
    }

    [Fact]
    public async Task Without_a_connection_string_PostgreSql_stops_the_start_with_a_line_that_says_so()
    {
        var (exitCode, output) = await StartToFailureAsync(new Dictionary<string, string> { ["EtlWeb__Database__Provider"] = "postgresql" });

        Assert.Equal(64, exitCode);
        Assert.Contains(output, l => l.Contains("EtlWeb:Database:ConnectionString is empty: it is required when EtlWeb:Database:Provider is PostgreSql", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unreachable_PostgreSql_stops_the_start_naming_the_setting_but_not_its_value()
    {
        var closedPort = EtlWebChild.FreeAddress().Port;
        var (exitCode, output) = await StartToFailureAsync(PostgresFixture.Environment(
            $"Host=127.0.0.1;Port={closedPort};Database=etlweb;Username=etlweb;Password=hunter2-secret"));

        Assert.Equal(64, exitCode);
        Assert.Contains(output, l => l.Contains("EtlWeb:Database:ConnectionString = (hidden) from the environment variable EtlWeb__Database__ConnectionString: PostgreSQL could not be reached", StringComparison.Ordinal));
        Assert.DoesNotContain(output, l => l.Contains("hunter2", StringComparison.Ordinal));
    }

    private async Task<(int ExitCode, List<string> Output)> StartToFailureAsync(Dictionary<string, string> settings)
    {
        var output = new List<string>();
        using var process = EtlWebChild.Start(DataDirectory, EtlWebChild.FreeAddress(), settings, (line, _) =>
        {
            lock (output)
            {
                output.Add(line);
            }
        });
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(deadline.Token);
        lock (output)
        {
            return (process.ExitCode, [.. output]);
        }
    }
}
