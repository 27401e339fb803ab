using EtlWeb.Core.Runs;

namespace EtlWeb.Core.Execution;

/// <summary>
/// How this machine measures and limits an attempt's resources, chosen once at start: a cgroup per attempt where
/// EtlWeb may create one (exact figures, memory limit in the kernel), otherwise the process tree (the supervisor's
/// accounting of what it waited for, and samples of the process group's memory).
/// </summary>
public sealed class ResourceAccounting
{
    private readonly CgroupHost? host;

    private ResourceAccounting(CgroupHost? host, string why)
    {
        this.host = host;
        Why = why;
    }

    /// <summary>"cgroup v1", "cgroup v2" or "process tree".</summary>
    public string Mode => host?.Version ?? ResourceUsage.TreeSource;

    /// <summary>Why no cgroup is used; empty when one is.</summary>
    public string Why { get; }

    /// <summary>Null where a memory limit is enforced; else what a person saving one is told.</summary>
    public string? MemoryLimitUnavailable => host is null
        ? $"This machine cannot enforce a memory limit: {Why}. The README's \"Resource figures and limits\" says how to allow it."
        : null;

    /// <summary>The machine's accounting: cgroups unless <paramref name="useCgroups"/> is false or none can be made.</summary>
    /// <param name="dataDirectory">The installation's data directory: its attempts' cgroups are named after it.</param>
    public static ResourceAccounting Detect(bool useCgroups, string dataDirectory, string root = "/sys/fs/cgroup", string ownCgroups = "/proc/self/cgroup")
    {
        if (!useCgroups)
        {
            return new ResourceAccounting(null, "cgroups are turned off (Execution:UseCgroups)");
        }

        string content;
        try
        {
            content = File.ReadAllText(ownCgroups);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new ResourceAccounting(null, "this system has no cgroups (" + ex.Message + ")");
        }

        var scope = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(dataDirectory)))[..8];
        var found = CgroupHost.Find(root, content, scope, out var why);
        return new ResourceAccounting(found, why);
    }

    /// <summary>The accounting of one attempt: its cgroup (made now, or the one it already runs in) with the job's limits.</summary>
    public AttemptMeter Open(long attemptId, int memoryLimitMb, int cpuLimitSeconds)
    {
        var cgroup = host?.Open(attemptId);
        var memoryLimited = memoryLimitMb > 0 && cgroup is not null && cgroup.TrySetMemoryLimit(memoryLimitMb * 1024L * 1024L);
        var problem = memoryLimitMb == 0 || memoryLimited ? null
            : MemoryLimitUnavailable ?? "the attempt's cgroup could not be made, or the kernel refused the limit";
        // The machine's count of out-of-memory kills tells one apart only without a cgroup, which counts its own.
        return new AttemptMeter(cgroup, memoryLimited ? memoryLimitMb : 0, cpuLimitSeconds, cgroup is null ? OomKillsOfMachine() : 0) { MemoryLimitProblem = problem };
    }

    /// <summary>The accounting of an attempt that is over (settled by recovery): from its cgroup when it has one, else none.</summary>
    public AttemptMeter? Existing(long attemptId) =>
        host?.Existing(attemptId) is { } cgroup ? new AttemptMeter(cgroup, 0, 0, 0) { Started = true } : null;

    /// <summary>Removes the cgroups of attempts that are not running here any more (settled while this node was down).</summary>
    public void RemoveStale(IReadOnlySet<long> runningHere) => host?.RemoveStale(runningHere);

    /// <summary>The kernel's count of out-of-memory kills on this machine (oom_kill in /proc/vmstat); 0 where it has none.</summary>
    internal static long OomKillsOfMachine()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/vmstat"))
            {
                if (line.StartsWith("oom_kill ", StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(9), System.Globalization.CultureInfo.InvariantCulture);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            // No count: an out-of-memory kill is then not told from another SIGKILL.
        }

        return 0;
    }
}
