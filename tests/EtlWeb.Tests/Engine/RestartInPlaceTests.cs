using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using EtlWeb.Api;
using EtlWeb.Testing;
using EtlWeb.Tests.Support;

namespace EtlWeb.Tests.Engine;

/// <summary>
/// EtlWeb under the image's init (docker/etlweb-init, here without tini): restarted in place when asked to through the
/// API and after a crash, its running jobs run on and are adopted; a SIGTERM to the init stops both.
/// </summary>
public sealed class RestartInPlaceTests : ChildAppTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_restart_asked_for_and_a_crash_each_start_EtlWeb_again_and_the_running_jobs_end_with_every_line_once()
    {
        Directory.CreateDirectory(DataDirectory);
        var address = EtlWebChild.FreeAddress();
        var output = new ConcurrentQueue<string>();
        using var init = EtlWebChild.Start(DataDirectory, address, null, (line, _) => output.Enqueue(line),
            launcher: ["sh", Path.Combine(Repository.Root, "docker", "etlweb-init")]);
        try
        {
            await EtlWebChild.WaitHealthyAsync(init, address, Patience);
            using var client = EtlWebChild.CreateClient(address);
            var job = await client.CreateJobAsync(JobsClient.ShellJob("numbers")
                .With("command", "for i in $(seq 1 40); do echo $i; sleep 0.1; done").With("overlap_policy", "allow"));

            // Asked for through the API: a graceful stop under Detach, exit code 75, started again by the init.
            var asked = await client.RunJobAsync(job);
            await WaitForLinesAsync(client, asked, 5);
            var first = EtlWebPid(init);
            using (var response = await client.PostAsync(new Uri("/api/restart", UriKind.Relative), null))
            {
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                Assert.Equal("restarting", (await response.Content.ReadFromJsonAsync<RestartAnswer>())!.Status);
            }

            var second = await WaitForNewEtlWebAsync(init, address, first);
            await AssertEndsWithEveryLineOnceAsync(client, asked);
            Assert.True(output.Any(line => line.Contains("asked to be restarted", StringComparison.Ordinal)), string.Join("\n", output.Where(l => l.Contains("etlweb-init", StringComparison.Ordinal) || l.Contains("restart", StringComparison.OrdinalIgnoreCase))));

            // A crash: the init starts it again after a second.
            var crashed = await client.RunJobAsync(job);
            await WaitForLinesAsync(client, crashed, 5);
            Assert.Equal(0, Kill(second, 9));
            await WaitForNewEtlWebAsync(init, address, second);
            await AssertEndsWithEveryLineOnceAsync(client, crashed);
        }
        finally
        {
            // docker stop: SIGTERM to the init, which passes it on and ends with EtlWeb.
            Kill(init.Id, 15);
            Assert.True(init.WaitForExit(Patience), "the init did not end after SIGTERM");
        }

        Assert.Equal(0, init.ExitCode);
    }

    private static async Task AssertEndsWithEveryLineOnceAsync(HttpClient client, long runId)
    {
        var run = await client.WaitForEndAsync(runId, Patience);
        Assert.Equal("Succeeded", run.Status);
        Assert.Single(run.Attempts);
        var lines = (await client.LogAsync(runId, "?stream=stdout")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Enumerable.Range(1, 40).Select(i => i.ToString(CultureInfo.InvariantCulture)), lines);
        Assert.Contains("EtlWeb restarted", await client.LogAsync(runId), StringComparison.Ordinal);
    }

    /// <summary>The dotnet process the init runs now; 0 between two of them.</summary>
    private static int EtlWebPid(Process init) =>
        File.ReadAllText($"/proc/{init.Id}/task/{init.Id}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries) is [var only]
            ? int.Parse(only, CultureInfo.InvariantCulture)
            : 0;

    /// <summary>Waits until the init runs another EtlWeb than <paramref name="old"/> and it is healthy; returns its pid.</summary>
    private static async Task<int> WaitForNewEtlWebAsync(Process init, Uri address, int old)
    {
        var deadline = TimeProvider.System.GetUtcNow() + Patience;
        int pid;
        while ((pid = EtlWebPid(init)) == old || pid == 0)
        {
            Assert.False(init.HasExited, "the init ended");
            Assert.True(TimeProvider.System.GetUtcNow() < deadline, "EtlWeb was not started again");
            await Task.Delay(50);
        }

        await EtlWebChild.WaitHealthyAsync(init, address, Patience);
        return pid;
    }

    private static int Kill(int pid, int signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        return kill.ExitCode;
    }

    private static async Task WaitForLinesAsync(HttpClient client, long runId, int count)
    {
        var deadline = TimeProvider.System.GetUtcNow() + Patience;
        while ((await client.LogAsync(runId, "?stream=stdout")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length < count)
        {
            Assert.True(TimeProvider.System.GetUtcNow() < deadline, $"run {runId} did not reach {count} stored lines");
            await Task.Delay(50);
        }
    }
}
