using System.Text.Json.Nodes;
using EtlWeb.Core.Jobs;
using EtlWeb.Tests.Support;

namespace EtlWeb.Tests.Resources;

/// <summary>What an attempt's tree used and may use, measured on real processes in a cgroup per attempt.</summary>
public sealed class ResourceFigureTests() : HostTest(new EtlWebFactory { Settings = { ["EtlWeb:KillGraceSeconds"] = "1" } })
{
    private const long MiB = 1024 * 1024;

    /// <summary>Allocates and touches 300 MiB in a child of the job's shell, holds it half a second (two samples of the tree), and ends.</summary>
    internal const string Allocates300MiB = "python3 -c 'import time; a = bytearray(300 * 1024 * 1024); time.sleep(0.5)'";

    /// <summary>Spins on the CPU for 1 s of its own CPU time.</summary>
    internal const string BusyLoop = "python3 -c 'import time\nend = time.process_time() + 1\nwhile time.process_time() < end: pass'";

    private Task<JobDocument> ShellAsync(string name, string command, Action<JsonObject>? configure = null) =>
        Client.CreateShellJobAsync(name, command, configure);

    [Fact]
    public async Task A_job_allocating_300_MiB_reports_a_peak_over_250_MiB()
    {
        var run = await Client.WaitForEndAsync(await Client.RunJobAsync(await ShellAsync("allocates", Allocates300MiB)));

        Assert.Equal("Succeeded", run.Status);
        var attempt = Assert.Single(run.Attempts);
        Assert.Equal("cgroup", attempt.ResourceSource);
        Assert.InRange(attempt.PeakMemoryBytes!.Value, 250 * MiB, 600 * MiB);
        Assert.NotNull(attempt.ReadBytes);
        Assert.NotNull(attempt.WriteBytes);
    }

    [Fact]
    public async Task A_job_over_its_memory_limit_fails_with_the_reason_while_the_job_beside_it_succeeds()
    {
        var limited = await ShellAsync("limited", Allocates300MiB, j => j["memory_limit_mb"] = 100);
        var beside = await ShellAsync("beside", Allocates300MiB);

        var runs = await Task.WhenAll(Client.RunJobAsync(limited), Client.RunJobAsync(beside));
        var (over, fine) = (await Client.WaitForEndAsync(runs[0]), await Client.WaitForEndAsync(runs[1]));

        Assert.Equal(("Failed", "memory limit exceeded (100 MiB)"), (over.Status, over.Attempts[0].Message));
        Assert.Equal("Succeeded", fine.Status);
        Assert.InRange(over.Attempts[0].PeakMemoryBytes!.Value, 90 * MiB, 101 * MiB);
        Assert.Contains("memory limit exceeded (100 MiB)", await Client.LogAsync(over.Id), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cpu_seconds_of_a_busy_loop_match_its_cpu_bound_duration()
    {
        var run = await Client.WaitForEndAsync(await Client.RunJobAsync(await ShellAsync("busy", BusyLoop)));

        var attempt = Assert.Single(run.Attempts);
        var wall = (attempt.FinishedAt!.Value - attempt.StartedAt!.Value).TotalSeconds;
        Assert.InRange(attempt.CpuSeconds!.Value, 1, Math.Max(wall, 1) + 0.2);
        Assert.Equal(attempt.CpuSeconds!.Value, attempt.CpuUserSeconds!.Value + attempt.CpuSystemSeconds!.Value, 2);
    }

    [Fact]
    public async Task A_job_over_its_cpu_time_limit_fails_with_the_reason()
    {
        var run = await Client.WaitForEndAsync(await Client.RunJobAsync(await ShellAsync("spins", "python3 -c 'while True: pass'", j => j["cpu_limit_seconds"] = 1)));

        Assert.Equal(("Failed", "CPU time limit exceeded (1 s)"), (run.Status, run.Attempts[0].Message));
        Assert.InRange(run.Attempts[0].CpuSeconds!.Value, 1, 10);
    }

    [Fact]
    public async Task A_job_silent_past_its_stall_timeout_ends_timed_out_saying_so()
    {
        var run = await Client.WaitForEndAsync(await Client.RunJobAsync(await ShellAsync("stalls", "echo a; sleep 60", j =>
        {
            j["stall_timeout_seconds"] = 2;
            j["timeout_seconds"] = 120;
        })));

        Assert.Equal(("TimedOut", "Stalled: no output for 2 s (stall timeout)"), (run.Status, run.Attempts[0].Message));
        Assert.Contains("a", (await Client.LogAsync(run.Id, "?stream=stdout")).Split('\n'));
    }

    [Fact]
    public async Task A_job_that_keeps_writing_is_not_stalled()
    {
        var run = await Client.WaitForEndAsync(await Client.RunJobAsync(await ShellAsync("chatty", "for i in 1 2 3 4; do printf .; sleep 0.4; done", j => j["stall_timeout_seconds"] = 1)));

        Assert.Equal("Succeeded", run.Status);
    }
}
