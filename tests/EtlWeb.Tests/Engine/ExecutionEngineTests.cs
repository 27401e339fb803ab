using System.Text.Json;
using System.Text.Json.Nodes;
using EtlWeb.Core.Jobs;
using EtlWeb.Tests.Support;

namespace EtlWeb.Tests.Engine;

public sealed class ExecutionEngineTests() : HostTest(new EtlWebFactory { Settings = { ["EtlWeb:KillGraceSeconds"] = "1", ["EtlWeb:MaxLogBytesPerAttempt"] = "65536" } })
{
    private Task<JobDocument> ShellAsync(string name, string command, Action<JsonObject>? configure = null) =>
        Client.CreateShellJobAsync(name, command, configure);

    [Fact]
    public async Task A_successful_run_stores_every_line_in_order_with_exit_code_zero()
    {
        var job = await ShellAsync("seq", "seq 1 3000");
        var run = await Client.WaitForEndAsync(await Client.RunJobAsync(job));

        Assert.Equal("Succeeded", run.Status);
        var attempt = Assert.Single(run.Attempts);
        Assert.Equal(0, attempt.ExitCode);
        var lines = (await Client.LogAsync(run.Id, "?stream=stdout")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Enumerable.Range(1, 3000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), lines);
    }

    [Fact]
    public async Task A_failing_run_is_retried_as_new_attempts_until_max_retries_each_with_its_exit_code()
    {
        var job = await ShellAsync("fails", "echo trying; exit 3", j => j["max_retries"] = 2);
        var run = await Client.WaitForEndAsync(await Client.RunJobAsync(job));

        Assert.Equal("Failed", run.Status);
        Assert.Equal([1, 2, 3], run.Attempts.Select(a => a.Number));
        Assert.All(run.Attempts, a =>
        {
            Assert.Equal("Failed", a.Status);
            Assert.Equal(3, a.ExitCode);
        });
        var log = await Client.LogAsync(run.Id);
        Assert.Equal(3, log.Split('\n').Count(l => l == "trying"));
        Assert.Contains("===== attempt 3 =====", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_retry_waits_for_the_retry_delay_before_it_starts()
    {
        var job = await ShellAsync("flaky", "test -f marker || { touch marker; exit 1; }", j =>
        {
            j["max_retries"] = 1;
            j["retry_delay_seconds"] = 1;
            j["working_directory"] = Factory.DataDirectory;
        });
        var run = await Client.WaitForEndAsync(await Client.RunJobAsync(job));

        Assert.Equal("Succeeded", run.Status);
        var first = run.Attempts[0];
        var second = run.Attempts[1];
        Assert.Equal("Failed", first.Status);
        Assert.Equal("Succeeded", second.Status);
        var notBefore = second.NotBefore!.Value;
        Assert.Equal(first.FinishedAt!.Value.AddSeconds(1), notBefore);
        Assert.True(second.StartedAt!.Value >= notBefore, JsonSerializer.Serialize(run));
    }

    [Fact]
    public async Task A_timeout_stops_the_whole_tree_including_a_setsid_grandchild()
    {
        var pidFile = Path.Combine(Factory.DataDirectory, "pids");
        var job = await ShellAsync("hangs", $"setsid sleep 300 & echo $! > {pidFile}; (sleep 300 & echo $! >> {pidFile}); echo $$ >> {pidFile}; sleep 300",
            j => j["timeout_seconds"] = 2);
        var run = await Client.WaitForEndAsync(await Client.RunJobAsync(job));

        Assert.Equal("TimedOut", run.Status);
        Assert.Equal("TimedOut", run.Attempts[0].Status);
        var pids = File.ReadAllLines(pidFile).Select(int.Parse).ToList();
        Assert.Equal(3, pids.Count);
        Assert.All(pids, pid => Assert.False(RunsClient.IsAlive(pid), $"process {pid} survived the timeout"));
        Assert.Contains("Timed out after 2 s", await Client.LogAsync(run.Id), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_a_running_run_kills_its_process_and_records_Cancelled()
    {
        var pidFile = Path.Combine(Factory.DataDirectory, "running.pid");
        var job = await ShellAsync("long", $"echo $$ > {pidFile}; sleep 300", j => j["max_retries"] = 3);
        var runId = await Client.RunJobAsync(job);
        await Client.WaitForRunAsync(runId, _ => File.Exists(pidFile) && new FileInfo(pidFile).Length > 0);

        var (status, _) = await Client.SendJsonAsync(HttpMethod.Post, $"/api/runs/{runId}/cancel", "{}");
        var run = await Client.WaitForEndAsync(runId);

        Assert.Equal(System.Net.HttpStatusCode.Accepted, status);
        Assert.Equal("Cancelled", run.Status);
        Assert.Equal("Cancelled", Assert.Single(run.Attempts).Status);
        Assert.False(RunsClient.IsAlive(int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task A_cancel_right_after_the_trigger_is_never_lost_whatever_moment_of_the_claim_it_meets()
    {
        // Each cancel lands before the claim, between the claim and the process start, or after it: all end Cancelled.
        var job = await ShellAsync("quick cancel", "sleep 300");
        for (var i = 0; i < 5; i++)
        {
            var runId = await Client.RunJobAsync(job);
            var (status, body) = await Client.SendJsonAsync(HttpMethod.Post, $"/api/runs/{runId}/cancel", "{}");
            Assert.True(status is System.Net.HttpStatusCode.Accepted or System.Net.HttpStatusCode.OK, body?.ToJsonString());
            var run = await Client.WaitForEndAsync(runId, TimeSpan.FromSeconds(60));
            Assert.Equal("Cancelled", run.Status);
        }
    }

    [Fact]
    public async Task The_log_is_capped_per_attempt_with_a_visible_truncation_marker()
    {
        var job = await ShellAsync("chatty", "seq 1 100000");
        var run = await Client.WaitForEndAsync(await Client.RunJobAsync(job));

        Assert.Equal("Succeeded", run.Status);
        Assert.True(run.Attempts[0].LogTruncated);
        var log = await Client.LogAsync(run.Id);
        Assert.Contains("Log truncated", log.TrimEnd().Split('\n')[^1], StringComparison.Ordinal);
        Assert.True(log.Length < 70_000, $"stored log is {log.Length} chars");
    }

    [Fact]
    public async Task Binary_output_is_stored_and_readable_without_failing_the_run()
    {
        var job = await ShellAsync("binary", "head -c 3000 /dev/urandom; echo; echo after");
        var run = await Client.WaitForEndAsync(await Client.RunJobAsync(job));

        Assert.Equal("Succeeded", run.Status);
        Assert.Contains("after", await Client.LogAsync(run.Id), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_interpreter_fails_the_attempt_at_once_with_a_clear_message()
    {
        var job = JobsClient.ShellJob("py");
        job["job_type"] = "python";
        job["command"] = "etl.py";
        job["interpreter"] = "python-does-not-exist";
        var run = await Client.WaitForEndAsync(await Client.RunJobAsync(await Client.CreateJobAsync(job)));

        Assert.Equal("Failed", run.Status);
        Assert.Contains("python-does-not-exist", run.Attempts[0].Message, StringComparison.Ordinal);
        Assert.Contains("python-does-not-exist", await Client.LogAsync(run.Id), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_vanished_working_directory_fails_the_attempt_naming_it()
    {
        var job = await ShellAsync("nowhere", "pwd", j => j["working_directory"] = "/nonexistent/etlweb-dir");
        var run = await Client.WaitForEndAsync(await Client.RunJobAsync(job));

        Assert.Equal("Failed", run.Status);
        Assert.Contains("/nonexistent/etlweb-dir", run.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Follow_streams_the_live_log_until_the_run_ends()
    {
        var job = await ShellAsync("ticker", "for i in 1 2 3 4 5; do echo tick $i; sleep 0.2; done");
        var runId = await Client.RunJobAsync(job);

        var log = await Client.LogAsync(runId, "?follow=true");

        Assert.Equal(["tick 1", "tick 2", "tick 3", "tick 4", "tick 5"], log.Split('\n').Where(l => l.StartsWith("tick", StringComparison.Ordinal)));
        Assert.Equal("Succeeded", (await Client.GetRunAsync(runId)).Status);
    }

    [Fact]
    public async Task Environment_variables_and_working_directory_reach_the_process()
    {
        var job = await ShellAsync("env", "echo \"$GREETING from $(pwd)\"", j =>
        {
            j["environment"] = new JsonObject { ["GREETING"] = "hello" };
            j["working_directory"] = "/tmp";
        });
        var run = await Client.WaitForEndAsync(await Client.RunJobAsync(job));

        Assert.Contains("hello from /tmp", await Client.LogAsync(run.Id), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_secret_value_is_masked_in_the_stored_log_including_the_start_line()
    {
        var job = await ShellAsync("secret", "echo \"key=$API_KEY\"; echo hunter2-etl >&2", j =>
        {
            j["environment"] = new JsonObject { ["API_KEY"] = "hunter2-etl" };
            j["secret_environment"] = new JsonArray("API_KEY");
        });
        var run = await Client.WaitForEndAsync(await Client.RunJobAsync(job));

        var log = await Client.LogAsync(run.Id);
        Assert.DoesNotContain("hunter2", log, StringComparison.Ordinal);
        Assert.Contains("key=***", log, StringComparison.Ordinal);
        Assert.Contains("echo *** >&2", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_runs_and_jobs_answer_404()
    {
        using var run = await Client.PostAsync(new Uri("/api/jobs/999/run", UriKind.Relative), null);
        using var get = await Client.GetAsync(new Uri("/api/runs/999", UriKind.Relative));
        using var cancel = await Client.PostAsync(new Uri("/api/runs/999/cancel", UriKind.Relative), null);

        Assert.Equal(System.Net.HttpStatusCode.NotFound, run.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, cancel.StatusCode);
    }
}
