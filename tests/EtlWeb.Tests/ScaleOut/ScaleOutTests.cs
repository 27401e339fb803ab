using EtlWeb.Core.Execution;
using EtlWeb.Features.Nodes;
using EtlWeb.Testing;
using EtlWeb.Tests.Support;
using Npgsql;

namespace EtlWeb.Tests.ScaleOut;

/// <summary>
/// Several EtlWeb processes on one real PostgreSQL: a web node that runs no attempts itself and two worker nodes (or
/// two web nodes), with heartbeats every second and a node lost after five silent seconds.
/// </summary>
public sealed class ScaleOutTests(PostgresFixture postgres) : ChildAppTest, IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Two_workers_run_200_runs_each_exactly_once_and_share_them()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var web = await StartNodeAsync(database, "web-1", "Web", runsAttempts: false);

        // A worker count saved on the Settings page is for the web nodes: each worker keeps its configured 4.
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var save = new NpgsqlCommand(
                "INSERT INTO settings (\"Key\", \"Value\", \"UpdatedAt\") VALUES ('EtlWeb:MaxConcurrentJobs', '2', now())", connection);
            await save.ExecuteNonQueryAsync();
        }

        await using var workerA = await StartNodeAsync(database, "worker-a", "Worker");
        await using var workerB = await StartNodeAsync(database, "worker-b", "Worker");
        using var client = web.CreateClient();
        var ledger = Path.Combine(DataDirectory, "ran.txt");
        var job = await client.CreateJobAsync(JobsClient.ShellJob("fan")
            .With("command", $"echo \"$ETLWEB_ATTEMPT\" >> '{ledger}'").With("overlap_policy", "allow"));

        var runs = new List<long>();
        for (var i = 0; i < 200; i++)
        {
            runs.Add(await client.RunJobAsync(job));
        }

        var nodes = new List<string>();
        foreach (var run in runs)
        {
            var ended = await client.WaitForEndAsync(run, TimeSpan.FromMinutes(3));
            Assert.Equal("Succeeded", ended.Status);
            var attempt = Assert.Single(ended.Attempts);
            nodes.Add(attempt.Node!);
        }

        var lines = await File.ReadAllLinesAsync(ledger);
        Assert.Equal(200, lines.Length);
        Assert.Equal(200, lines.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(["worker-a", "worker-b"], nodes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));

        var listed = await client.GetDocumentAsync<List<NodeView>>("/api/nodes");
        Assert.Equal(["web-1", "worker-a", "worker-b"], listed.Select(n => n.Name).Order(StringComparer.Ordinal));
        Assert.All(listed, n => Assert.Equal(NodeState.Alive, n.State));
        Assert.Equal("web-1", Assert.Single(listed, n => n.Scheduler).Name);
        Assert.Equal(0, listed.Single(n => n.Name == "web-1").Workers);
        Assert.Equal("worker", listed.Single(n => n.Name == "worker-a").Role);
        Assert.Equal(4, listed.Single(n => n.Name == "worker-b").Workers);

        // A worker serves its health only: no pages, no API.
        using var workerClient = workerA.CreateClient();
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await workerClient.GetAsync(new Uri("/api/jobs", UriKind.Relative))).StatusCode);
        Assert.True((await workerClient.GetAsync(new Uri("/health", UriKind.Relative))).IsSuccessStatusCode);
    }

    [Fact]
    public async Task The_web_node_streams_the_live_log_of_a_run_that_executes_on_a_worker()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var web = await StartNodeAsync(database, "web-1", "Web", runsAttempts: false);
        await using var worker = await StartNodeAsync(database, "worker-a", "Worker");
        using var client = web.CreateClient();
        var release = Path.Combine(DataDirectory, "release");
        var job = await client.CreateJobAsync(JobsClient.ShellJob("slow")
            .With("command", $"echo first-line; while [ ! -f '{release}' ]; do sleep 0.1; done; echo second-line"));
        var run = await client.RunJobAsync(job);

        using var streamClient = EtlWebChild.CreateClient(web.Address, TimeSpan.FromMinutes(2));
        using var response = await streamClient.GetAsync(new Uri($"/api/runs/{run}/log?follow=true", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        await ReadUntilAsync(reader, "first-line");

        // The first line came through the web node while the process still runs on the worker.
        var running = await client.GetRunAsync(run);
        Assert.Equal("Running", running.Status);
        Assert.Equal("worker-a", running.Attempts[0].Node);

        await File.WriteAllTextAsync(release, "");
        await ReadUntilAsync(reader, "second-line");
        Assert.Null(await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("Succeeded", (await client.WaitForEndAsync(run)).Status);
    }

    [Fact]
    public async Task A_killed_worker_loses_its_attempt_to_the_other_worker_and_leaves_no_process_behind()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var web = await StartNodeAsync(database, "web-1", "Web", runsAttempts: false);
        var workers = new Dictionary<string, AppProcess>
        {
            ["worker-a"] = await StartNodeAsync(database, "worker-a", "Worker"),
            ["worker-b"] = await StartNodeAsync(database, "worker-b", "Worker"),
        };
        try
        {
            using var client = web.CreateClient();
            var attempts = Path.Combine(DataDirectory, "attempts.txt");

            // The first attempt waits forever; the retry, on whichever node, ends at once.
            var job = await client.CreateJobAsync(JobsClient.ShellJob("long")
                .With("command", $"echo \"$ETLWEB_ATTEMPT\" >> '{attempts}'; if [ $(wc -l < '{attempts}') -ge 2 ]; then exit 0; fi; sleep 600")
                .With("max_retries", 1));
            var run = await client.RunJobAsync(job);
            var started = await client.WaitForRunAsync(run, r => r.Attempts[0].Status == "Running" && File.Exists(attempts));
            var lostNode = started.Attempts[0].Node!;
            var marker = (await File.ReadAllLinesAsync(attempts))[0];
            Assert.NotEmpty(ProcessTree.FindByMarker(marker));

            await workers[lostNode].KillHardAsync();
            var ended = await client.WaitForEndAsync(run, TimeSpan.FromSeconds(90));

            Assert.Equal("Succeeded", ended.Status);
            var (first, second) = (ended.Attempts[0], ended.Attempts[1]);
            Assert.Equal("Interrupted", first.Status);
            Assert.Contains($"node {lostNode} was lost", first.Message, StringComparison.Ordinal);
            Assert.Equal("Succeeded", second.Status);
            Assert.NotEqual(lostNode, second.Node);
            Assert.Equal(2, (await File.ReadAllLinesAsync(attempts)).Length);
            Assert.Empty(ProcessTree.FindByMarker(marker));

            var lost = (await client.GetDocumentAsync<List<NodeView>>("/api/nodes")).Single(n => n.Name == lostNode);
            Assert.Equal(NodeState.Lost, lost.State);

            // The lost node comes back under its name and is alive again.
            await workers[lostNode].DisposeAsync();
            workers[lostNode] = await StartNodeAsync(database, lostNode, "Worker");
            await WaitForAsync(async () => (await client.GetDocumentAsync<List<NodeView>>("/api/nodes"))
                .Single(n => n.Name == lostNode).State == NodeState.Alive);
        }
        finally
        {
            foreach (var worker in workers.Values)
            {
                await worker.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Two_web_nodes_make_one_run_per_cron_fire_and_the_second_schedules_when_the_first_stops()
    {
        var database = await postgres.CreateDatabaseAsync();
        var first = await StartNodeAsync(database, "web-1", "Web");
        try
        {
            await using var second = await StartNodeAsync(database, "web-2", "Web");
            using var client = second.CreateClient();
            var job = await client.CreateJobAsync(JobsClient.ShellJob("tick")
                .With("schedule_type", "cron").With("cron_expression", "* * * * * *").With("overlap_policy", "allow"));
            await client.WaitForRunsAsync(job, 6);
            await first.StopGracefullyAsync();
            var stopped = (await client.RunsOfAsync(job)).Count;
            await client.WaitForRunsAsync(job, stopped + 3);
            await client.PostAsync(new Uri($"/api/jobs/{job.Id}/disable", UriKind.Relative), null);

            // One run per fire: two schedulers both firing a due second would make two runs for it. A fire due in the
            // moment the lease moved is a missed fire to the new holder: its misfire policy (RunOnce) runs it once.
            var runs = await client.RunsOfAsync(job);
            var triggers = runs.Select(r => r.Trigger).ToList();
            var dueTimes = runs.Select(r => r.LogicalDate).ToList();
            Assert.All(triggers, t => Assert.Contains(t, (string[])["Schedule", "CatchUp"]));
            Assert.InRange(triggers.Count(t => t == "CatchUp"), 0, 1);
            Assert.True(runs.Count >= 9, $"{runs.Count} runs");
            Assert.Equal(runs.Count, dueTimes.Distinct().Count());
            Assert.All(dueTimes, d => Assert.Equal(0, d.Ticks % TimeSpan.TicksPerSecond));

            var nodes = await client.GetDocumentAsync<List<NodeView>>("/api/nodes");
            Assert.Equal(NodeState.Stopped, nodes.Single(n => n.Name == "web-1").State);
            Assert.True(nodes.Single(n => n.Name == "web-2").Scheduler);
        }
        finally
        {
            await first.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_worker_killed_and_started_again_in_time_adopts_its_attempt_with_every_line_stored_once()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var web = await StartNodeAsync(database, "web-1", "Web", runsAttempts: false, lostAfterSeconds: 120);
        var worker = await StartNodeAsync(database, "worker-a", "Worker", lostAfterSeconds: 120);
        try
        {
            using var client = web.CreateClient();
            var job = await client.CreateJobAsync(JobsClient.ShellJob("numbers").With("command", "for i in $(seq 1 50); do echo $i; sleep 0.1; done"));
            var run = await client.RunJobAsync(job);
            await WaitForAsync(async () => (await client.LogAsync(run, "?stream=stdout")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length >= 5);

            await worker.KillHardAsync();
            await worker.DisposeAsync();
            worker = await StartNodeAsync(database, "worker-a", "Worker", lostAfterSeconds: 120);
            var ended = await client.WaitForEndAsync(run, TimeSpan.FromSeconds(90));

            Assert.Equal("Succeeded", ended.Status);
            Assert.Equal("worker-a", Assert.Single(ended.Attempts).Node);
            var lines = (await client.LogAsync(run, "?stream=stdout")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(Enumerable.Range(1, 50).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), lines);
        }
        finally
        {
            await worker.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_pool_of_two_slots_holds_across_two_workers()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var web = await StartNodeAsync(database, "web-1", "Web", runsAttempts: false);
        await using var workerA = await StartNodeAsync(database, "worker-a", "Worker");
        await using var workerB = await StartNodeAsync(database, "worker-b", "Worker");
        using var client = web.CreateClient();
        var (status, _) = await client.SendJsonAsync(HttpMethod.Post, "/api/pools", """{"name": "shared", "slots": 2}""");
        Assert.Equal(System.Net.HttpStatusCode.Created, status);
        var job = await client.CreateJobAsync(JobsClient.ShellJob("pooled").With("command", "sleep 0.4").With("pool", "shared").With("overlap_policy", "allow"));

        var runs = new List<long>();
        for (var i = 0; i < 12; i++)
        {
            runs.Add(await client.RunJobAsync(job));
        }

        var attempts = new List<Features.Runs.AttemptDocument>();
        foreach (var run in runs)
        {
            attempts.Add(Assert.Single((await client.WaitForEndAsync(run, TimeSpan.FromMinutes(2))).Attempts));
        }

        var most = attempts.Max(a => attempts.Count(o => o.StartedAt <= a.StartedAt && a.StartedAt < o.FinishedAt));
        Assert.InRange(most, 1, 2);
        Assert.Equal(["worker-a", "worker-b"], attempts.Select(a => a.Node!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
    }

    private Task<AppProcess> StartNodeAsync(string connectionString, string name, string role, bool runsAttempts = true, int lostAfterSeconds = 5)
    {
        var settings = PostgresFixture.Environment(connectionString);
        settings["EtlWeb__Node__Name"] = name;
        settings["EtlWeb__Node__Role"] = role;
        settings["EtlWeb__Node__RunsAttempts"] = runsAttempts ? "true" : "false";
        settings["EtlWeb__Node__HeartbeatSeconds"] = "1";
        settings["EtlWeb__Node__LostAfterSeconds"] = lostAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["EtlWeb__MaxConcurrentJobs"] = "4";
        return AppProcess.StartAsync(Path.Combine(DataDirectory, name), EtlWebChild.FreeAddress(), settings);
    }

    private static async Task ReadUntilAsync(StreamReader reader, string expected)
    {
        var seen = new List<string>();
        while (await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)) is { } line)
        {
            seen.Add(line);
            if (line.Contains(expected, StringComparison.Ordinal))
            {
                return;
            }
        }

        Assert.Fail($"The stream ended before '{expected}': {string.Join(" | ", seen)}");
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(60);
        while (!await condition())
        {
            Assert.True(TimeProvider.System.GetUtcNow() < deadline, "The condition did not hold within a minute.");
            await Task.Delay(200);
        }
    }
}
