using EtlWeb.Core.Execution;
using EtlWeb.Core.Jobs;

namespace EtlWeb.Tests.Resources;

/// <summary>The pure rules: the job's resource fields, the supervisor's record, and finding a cgroup v2 home.</summary>
public sealed class ResourceRulesTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("etlweb-cgroup-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Theory]
    [InlineData(JobFields.MemoryLimitMb, 4)]
    [InlineData(JobFields.CpuLimitSeconds, -1)]
    [InlineData(JobFields.StallTimeoutSeconds, -5)]
    [InlineData(JobFields.PoolSlots, 0)]
    [InlineData(JobFields.Priority, 5000)]
    public void A_field_out_of_range_is_named(string field, int value)
    {
        var job = new Job { Pool = "warehouse" };
        typeof(Job).GetProperties().Single(p => JobFieldName(p.Name) == field).SetValue(job, value);

        Assert.Equal([field], ResourceRules.Validate(job).ToDictionary().Keys);
    }

    [Fact]
    public void Slots_without_a_pool_and_a_bad_pool_name_are_refused()
    {
        Assert.Contains("choose a pool", ResourceRules.Validate(new Job { PoolSlots = 2 }).For(JobFields.PoolSlots).Single(), StringComparison.Ordinal);
        Assert.Single(ResourceRules.Validate(new Job { Pool = "ware house" }).For(JobFields.Pool));
        Assert.True(ResourceRules.Validate(new Job { Pool = "warehouse", PoolSlots = 2, Priority = -3, MemoryLimitMb = 100 }).IsEmpty);
    }

    [Fact]
    public void The_supervisors_record_gives_its_childrens_cpu_time_and_the_storage_bytes()
    {
        string[] lines =
        [
            "4242 (sh) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 150 25 20 0 1 0 100 2000000 300 18446744073709551615",
            "rchar: 9000", "wchar: 300", "syscr: 10", "syscw: 3", "read_bytes: 4096", "write_bytes: 12288", "cancelled_write_bytes: 4096",
        ];

        Assert.Equal(new TreeAccounting(1.5, 0.25, 4096, 8192), TreeAccounting.Parse(lines));
        Assert.Equal(new TreeAccounting(1.5, 0.25, null, null), TreeAccounting.Parse(lines[..1]));
        Assert.Null(TreeAccounting.Parse([]));
        Assert.Null(TreeAccounting.Parse(["not a stat line"]));
    }

    [Fact]
    public void In_cgroup_v2_EtlWeb_moves_itself_to_a_child_and_hands_the_controllers_down()
    {
        var own = Path.Combine(root, "docker", "abc");
        Directory.CreateDirectory(own);
        File.WriteAllText(Path.Combine(root, "cgroup.controllers"), "cpuset cpu io memory pids\n");
        File.WriteAllText(Path.Combine(own, "cgroup.controllers"), "cpu io memory pids\n");
        File.WriteAllText(Path.Combine(own, "cgroup.subtree_control"), "\n");

        var host = CgroupHost.Find(root, "0::/docker/abc\n", "scope", out var why);

        Assert.Equal(("cgroup v2", ""), (host?.Version, why));
        Assert.Equal(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), File.ReadAllText(Path.Combine(own, "etlweb", "cgroup.procs")));
        Assert.Equal("+memory +cpu", File.ReadAllText(Path.Combine(own, "cgroup.subtree_control")));
        var attempt = host!.Open(7)!;
        Assert.Equal([Path.Combine(own, "etlweb-scope-attempt-7", "cgroup.procs")], attempt.ProcsFiles);
    }

    [Fact]
    public void An_attempts_v2_cgroup_reads_the_kernels_figures_and_tells_an_out_of_memory_kill()
    {
        Directory.CreateDirectory(Path.Combine(root, "x"));
        File.WriteAllText(Path.Combine(root, "x", "cgroup.controllers"), "memory cpu");
        File.WriteAllText(Path.Combine(root, "x", "cgroup.subtree_control"), "memory cpu");
        File.WriteAllText(Path.Combine(root, "cgroup.controllers"), "memory cpu");
        var cgroup = CgroupHost.Find(root, "0::/x", "scope", out _)!.Open(9)!;
        var directory = Path.GetDirectoryName(cgroup.ProcsFiles[0])!;
        File.WriteAllText(Path.Combine(directory, "memory.peak"), "104857600\n");
        File.WriteAllText(Path.Combine(directory, "cpu.stat"), "usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\n");
        File.WriteAllText(Path.Combine(directory, "memory.events"), "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n");

        Assert.Equal(104857600, cgroup.PeakMemoryBytes());
        Assert.Equal((2.0, 0.5), cgroup.CpuSeconds());
        Assert.Equal(1, cgroup.OomKills());
        Assert.True(cgroup.TrySetMemoryLimit(100 * 1024 * 1024));
        Assert.Equal("104857600", File.ReadAllText(Path.Combine(directory, "memory.max")));
    }

    [Fact]
    public void Without_the_memory_controller_there_is_no_cgroup_and_the_reason_names_it()
    {
        Directory.CreateDirectory(Path.Combine(root, "x"));
        File.WriteAllText(Path.Combine(root, "cgroup.controllers"), "cpu");
        File.WriteAllText(Path.Combine(root, "x", "cgroup.controllers"), "cpu pids");

        Assert.Null(CgroupHost.Find(root, "0::/x", "scope", out var why));
        Assert.Contains("memory", why, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2, "2 s")]
    [InlineData(600, "10 min")]
    [InlineData(90, "90 s")]
    public void A_stall_timeout_reads_in_seconds_or_whole_minutes(int seconds, string text) =>
        Assert.Equal(text, EtlWeb.Orchestration.ProcessWatch.Duration(seconds));

    private static string JobFieldName(string property) =>
        string.Concat(property.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
