using EtlWeb.Tests.Support;

namespace EtlWeb.Tests.Resources;

/// <summary>The same figures where EtlWeb makes no cgroup (EtlWeb:UseCgroups false): from the process tree.</summary>
public sealed class TreeAccountingTests() : HostTest(new EtlWebFactory { Settings = { ["EtlWeb:KillGraceSeconds"] = "1", ["EtlWeb:UseCgroups"] = "false" } })
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public async Task The_sampled_peak_of_a_job_allocating_300_MiB_is_over_250_MiB()
    {
        var job = JobsClient.ShellJob("allocates");
        job["command"] = ResourceFigureTests.Allocates300MiB;
        var run = await Client.WaitForEndAsync(await Client.RunJobAsync(await Client.CreateJobAsync(job)));

        var attempt = Assert.Single(run.Attempts);
        Assert.Equal("process tree", attempt.ResourceSource);
        Assert.InRange(attempt.PeakMemoryBytes!.Value, 250 * MiB, 600 * MiB);
    }

    [Fact]
    public async Task The_cpu_seconds_come_from_the_supervisors_record_of_what_it_waited_for()
    {
        var job = JobsClient.ShellJob("busy");
        job["command"] = ResourceFigureTests.BusyLoop;
        var run = await Client.WaitForEndAsync(await Client.RunJobAsync(await Client.CreateJobAsync(job)));

        var attempt = Assert.Single(run.Attempts);
        var wall = (attempt.FinishedAt!.Value - attempt.StartedAt!.Value).TotalSeconds;
        Assert.InRange(attempt.CpuSeconds!.Value, 1, Math.Max(wall, 1) + 0.2);
    }

    [Fact]
    public async Task A_memory_limit_is_not_enforced_and_the_log_says_why()
    {
        var job = JobsClient.ShellJob("limited");
        job["command"] = "echo done";
        job["memory_limit_mb"] = 100;
        var run = await Client.WaitForEndAsync(await Client.RunJobAsync(await Client.CreateJobAsync(job)));

        Assert.Equal("Succeeded", run.Status);
        Assert.Contains("The memory limit (100 MiB) is not enforced: This machine cannot enforce a memory limit: cgroups are turned off", await Client.LogAsync(run.Id), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cpu_time_limit_holds_from_samples_of_the_tree()
    {
        var job = JobsClient.ShellJob("spins");
        job["command"] = "python3 -c 'while True: pass'";
        job["cpu_limit_seconds"] = 1;
        var run = await Client.WaitForEndAsync(await Client.RunJobAsync(await Client.CreateJobAsync(job)));

        Assert.Equal(("Failed", "CPU time limit exceeded (1 s)"), (run.Status, run.Attempts[0].Message));
    }
}
