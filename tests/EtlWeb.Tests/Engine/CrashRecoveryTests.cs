using System.Globalization;
using EtlWeb.Testing;
using EtlWeb.Tests.Support;

namespace EtlWeb.Tests.Engine;

/// <summary>EtlWeb killed with SIGKILL and started again: the attempts it ran go on under their supervisors and are adopted.</summary>
public sealed class CrashRecoveryTests : ChildAppTest
{
    private static readonly Dictionary<string, string> Settings = new() { ["EtlWeb__KillGraceSeconds"] = "1" };

    [Fact]
    public async Task A_job_killed_under_twice_ends_Succeeded_with_one_attempt_and_every_line_once_in_order()
    {
        Directory.CreateDirectory(DataDirectory);
        var address = EtlWebChild.FreeAddress();
        var (first, second) = (Path.Combine(DataDirectory, "gate-1"), Path.Combine(DataDirectory, "gate-2"));
        long runId;
        await using (var app = await AppProcess.StartAsync(DataDirectory, address, Settings))
        {
            using var client = app.CreateClient();
            var job = JobsClient.ShellJob("numbers");

            // It prints on while EtlWeb goes down, and waits at 20 and 40 so that it is still running at each restart.
            job["command"] = $"for i in $(seq 1 60); do echo $i; sleep 0.05; "
                + $"if [ $i = 20 ]; then while [ ! -f {first} ]; do sleep 0.05; done; fi; "
                + $"if [ $i = 40 ]; then while [ ! -f {second} ]; do sleep 0.05; done; fi; done";
            runId = await client.RunJobAsync(await client.CreateJobAsync(job));
            await WaitForLinesAsync(client, runId, 10);
            await app.KillHardAsync();
        }

        await using (var app = await AppProcess.StartAsync(DataDirectory, address, Settings))
        {
            using var client = app.CreateClient();
            await WaitForLinesAsync(client, runId, 20);
            await File.WriteAllTextAsync(first, "");
            await WaitForLinesAsync(client, runId, 25);
            await app.KillHardAsync();
        }

        await using (var app = await AppProcess.StartAsync(DataDirectory, address, Settings))
        {
            using var client = app.CreateClient();
            await WaitForLinesAsync(client, runId, 40);
            await File.WriteAllTextAsync(second, "");
            var run = await client.WaitForEndAsync(runId);

            Assert.Equal("Succeeded", run.Status);
            Assert.Equal(0, Assert.Single(run.Attempts).ExitCode);
            Assert.Equal(Numbers(1, 60), await StdoutAsync(client, runId));
            Assert.Equal(2, CountOf(await client.LogAsync(runId), "EtlWeb restarted"));
        }
    }

    [Fact]
    public async Task A_job_that_ends_while_EtlWeb_is_down_is_settled_with_its_exit_code_and_its_whole_output()
    {
        Directory.CreateDirectory(DataDirectory);
        var address = EtlWebChild.FreeAddress();
        var release = Path.Combine(DataDirectory, "release");
        long runId;
        long attemptId;
        await using (var app = await AppProcess.StartAsync(DataDirectory, address, Settings))
        {
            using var client = app.CreateClient();
            var job = JobsClient.ShellJob("finisher");
            job["command"] = $"echo before; while [ ! -f {release} ]; do sleep 0.05; done; echo after; echo oops >&2; exit 4";
            runId = await client.RunJobAsync(await client.CreateJobAsync(job));
            await WaitForLinesAsync(client, runId, 1);
            attemptId = (await client.GetRunAsync(runId)).Attempts[0].Id;
            await app.KillHardAsync();
        }

        // The job ends while no EtlWeb runs; its supervisor records the status in the attempt's spool.
        await File.WriteAllTextAsync(release, "");
        await WaitForFileAsync(Path.Combine(DataDirectory, "spool", attemptId.ToString(CultureInfo.InvariantCulture), "exit"));

        await using (var app = await AppProcess.StartAsync(DataDirectory, address, Settings))
        {
            using var client = app.CreateClient();
            var run = await client.WaitForEndAsync(runId);

            Assert.Equal("Failed", run.Status);
            var attempt = Assert.Single(run.Attempts);
            Assert.Equal(4, attempt.ExitCode);
            Assert.Equal(["before", "after"], await StdoutAsync(client, runId));
            Assert.Contains("oops", await client.LogAsync(runId, "?stream=stderr"), StringComparison.Ordinal);
            Assert.Contains("ended while EtlWeb was down", await client.LogAsync(runId), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Cancel_and_timeout_of_adopted_attempts_kill_their_whole_trees()
    {
        Directory.CreateDirectory(DataDirectory);
        var address = EtlWebChild.FreeAddress();
        long cancelled, timedOut;
        await using (var app = await AppProcess.StartAsync(DataDirectory, address, Settings))
        {
            using var client = app.CreateClient();
            cancelled = await client.RunJobAsync(await client.CreateJobAsync(TreeJob("cancelled", timeoutSeconds: 0)));
            timedOut = await client.RunJobAsync(await client.CreateJobAsync(TreeJob("timed-out", timeoutSeconds: 6)));
            await WaitForLinesAsync(client, cancelled, 1);
            await WaitForLinesAsync(client, timedOut, 1);
            await app.KillHardAsync();
        }

        var trees = new[] { "cancelled", "timed-out" }.ToDictionary(n => n, n => File.ReadAllLines(Path.Combine(DataDirectory, n + ".pids")).Select(int.Parse).ToList());
        Assert.All(trees.Values.SelectMany(p => p), pid => Assert.True(RunsClient.IsAlive(pid), $"{pid} should outlive EtlWeb"));

        await using (var app = await AppProcess.StartAsync(DataDirectory, address, Settings))
        {
            using var client = app.CreateClient();
            await WaitForLogAsync(client, cancelled, "EtlWeb restarted");
            using (var response = await client.PostAsync(new Uri($"/api/runs/{cancelled}/cancel", UriKind.Relative), null))
            {
                Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            }

            Assert.Equal("Cancelled", (await client.WaitForEndAsync(cancelled)).Status);
            var timeout = await client.WaitForEndAsync(timedOut);
            Assert.Equal("TimedOut", timeout.Status);
            Assert.Single(timeout.Attempts);
        }

        Assert.All(trees.Values.SelectMany(p => p), pid => Assert.False(RunsClient.IsAlive(pid), $"process {pid} survived"));
    }

    [Fact]
    public async Task An_attempt_whose_spool_was_deleted_is_Interrupted_with_the_reason_and_retried()
    {
        Directory.CreateDirectory(DataDirectory);
        var address = EtlWebChild.FreeAddress();
        var again = Path.Combine(DataDirectory, "again");
        var pidFile = Path.Combine(DataDirectory, "first.pid");
        long runId;
        await using (var app = await AppProcess.StartAsync(DataDirectory, address, Settings))
        {
            using var client = app.CreateClient();
            var job = JobsClient.ShellJob("lost");
            job["command"] = $"if [ -f {again} ]; then echo second; else touch {again}; echo $$ > {pidFile}; echo first; sleep 300; fi";
            job["max_retries"] = 1;
            runId = await client.RunJobAsync(await client.CreateJobAsync(job));
            await WaitForLinesAsync(client, runId, 1);
            await app.KillHardAsync();
        }

        Directory.Delete(Path.Combine(DataDirectory, "spool"), recursive: true);

        await using (var app = await AppProcess.StartAsync(DataDirectory, address, Settings))
        {
            using var client = app.CreateClient();
            var run = await client.WaitForEndAsync(runId);

            Assert.Equal("Succeeded", run.Status);
            Assert.Equal(["Interrupted", "Succeeded"], run.Attempts.Select(a => a.Status));
            Assert.Contains("output spool is gone", run.Attempts[0].Message, StringComparison.Ordinal);
            Assert.Contains("second", await client.LogAsync(runId), StringComparison.Ordinal);
        }

        var first = int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture);
        Assert.False(RunsClient.IsAlive(first), $"the first attempt's process {first} survived");
    }

    /// <summary>A job whose tree holds a child in its group and one that left it; each writes its pid to a file.</summary>
    private System.Text.Json.Nodes.JsonObject TreeJob(string name, int timeoutSeconds)
    {
        var job = JobsClient.ShellJob(name);
        var pids = Path.Combine(DataDirectory, name + ".pids");
        job["command"] = $"echo $$ >> {pids}; setsid sh -c 'echo $$ >> {pids}; exec sleep 300' & sleep 300 & echo $! >> {pids}; echo started; wait";
        job["timeout_seconds"] = timeoutSeconds;
        return job;
    }

    private static async Task<List<string>> StdoutAsync(HttpClient client, long runId) =>
        [.. (await client.LogAsync(runId, "?stream=stdout")).Split('\n', StringSplitOptions.RemoveEmptyEntries)];

    private static async Task WaitForLinesAsync(HttpClient client, long runId, int count)
    {
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(60);
        while ((await StdoutAsync(client, runId)).Count < count)
        {
            Assert.True(TimeProvider.System.GetUtcNow() < deadline, $"run {runId} did not reach {count} stored lines");
            await Task.Delay(50);
        }
    }

    private static async Task WaitForLogAsync(HttpClient client, long runId, string text)
    {
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(60);
        while (!(await client.LogAsync(runId)).Contains(text, StringComparison.Ordinal))
        {
            Assert.True(TimeProvider.System.GetUtcNow() < deadline, $"run {runId}'s log never said '{text}'");
            await Task.Delay(50);
        }
    }

    private static async Task WaitForFileAsync(string path)
    {
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(30);
        while (!File.Exists(path))
        {
            Assert.True(TimeProvider.System.GetUtcNow() < deadline, $"{path} never appeared");
            await Task.Delay(20);
        }
    }

    private static List<string> Numbers(int from, int to) => [.. Enumerable.Range(from, to - from + 1).Select(i => i.ToString(CultureInfo.InvariantCulture))];

    private static int CountOf(string text, string part) => text.Split(part).Length - 1;
}
