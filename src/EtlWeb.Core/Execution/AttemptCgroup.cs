using System.Globalization;

namespace EtlWeb.Core.Execution;

/// <summary>
/// The cgroup of one attempt (a directory per controller hierarchy in v1, one in v2): its processes join it through
/// the supervisor; it holds the tree's memory and CPU figures (exact, whoever waited for whom) and enforces the
/// memory limit in the kernel. It outlives EtlWeb with the attempt, so a restarted node reads the same figures.
/// </summary>
public abstract class AttemptCgroup
{
    /// <summary>The cgroup.procs files the supervisor writes its pid to.</summary>
    public abstract IReadOnlyList<string> ProcsFiles { get; }

    /// <summary>The most memory charged to the cgroup at once (resident memory and page cache), in bytes; null where the kernel keeps no peak.</summary>
    public abstract long? PeakMemoryBytes();

    /// <summary>The memory charged to the cgroup now: sampled where the kernel keeps no peak (cgroup v2 before Linux 5.19).</summary>
    public abstract long? CurrentMemoryBytes();

    /// <summary>User and system CPU time of every process that ran in the cgroup, in seconds.</summary>
    public abstract (double User, double System)? CpuSeconds();

    /// <summary>How many of its processes the kernel's out-of-memory killer ended (at its limit or for the whole machine).</summary>
    public abstract long OomKills();

    /// <summary>Sets the memory limit, swap included where the kernel accounts swap; false when the kernel refused it.</summary>
    public abstract bool TrySetMemoryLimit(long bytes);

    /// <summary>Removes the cgroup's directories; one that still holds a process (a survivor of SIGKILL) stays.</summary>
    public abstract void Remove();

    /// <summary>The whole content of a cgroup file, or null when it cannot be read.</summary>
    protected static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>A file holding one number.</summary>
    protected static long? Number(string path) =>
        long.TryParse(Read(path)?.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>The value of <paramref name="key"/> in a "key value" per line file (memory.events, cpu.stat, cpuacct.stat).</summary>
    protected static long? Keyed(string path, string key)
    {
        foreach (var line in (Read(path) ?? "").Split('\n'))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[0] == key && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }
        }

        return null;
    }

    protected static bool TryWrite(string path, string text)
    {
        try
        {
            File.WriteAllText(path, text);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    internal static void RemoveDirectory(string path)
    {
        try
        {
            Directory.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Gone already, or a process is still in it: the next start's clean-up tries again.
        }
    }
}

/// <summary>An attempt's cgroup in the v1 hierarchies: one directory under the memory hierarchy, one under cpuacct.</summary>
internal sealed class AttemptCgroupV1(string memory, string cpu) : AttemptCgroup
{
    public override IReadOnlyList<string> ProcsFiles { get; } = [Path.Combine(memory, "cgroup.procs"), Path.Combine(cpu, "cgroup.procs")];

    public override long? PeakMemoryBytes() => Number(Path.Combine(memory, "memory.max_usage_in_bytes"));

    public override long? CurrentMemoryBytes() => Number(Path.Combine(memory, "memory.usage_in_bytes"));

    public override (double User, double System)? CpuSeconds()
    {
        var stat = Path.Combine(cpu, "cpuacct.stat");
        return Keyed(stat, "user") is { } user && Keyed(stat, "system") is { } system
            ? (user / TreeAccounting.TicksPerSecond, system / TreeAccounting.TicksPerSecond)
            : null;
    }

    public override long OomKills() => Keyed(Path.Combine(memory, "memory.oom_control"), "oom_kill") ?? 0;

    public override bool TrySetMemoryLimit(long bytes)
    {
        var set = TryWrite(Path.Combine(memory, "memory.limit_in_bytes"), bytes.ToString(CultureInfo.InvariantCulture));
        var swap = Path.Combine(memory, "memory.memsw.limit_in_bytes");
        if (set && File.Exists(swap))
        {
            // Memory plus swap: without it the tree would swap out past its limit instead of being stopped.
            set = TryWrite(swap, bytes.ToString(CultureInfo.InvariantCulture));
        }

        return set;
    }

    public override void Remove()
    {
        RemoveDirectory(memory);
        RemoveDirectory(cpu);
    }
}

/// <summary>An attempt's cgroup in the unified (v2) hierarchy.</summary>
internal sealed class AttemptCgroupV2(string directory) : AttemptCgroup
{
    private const double MicrosecondsPerSecond = 1_000_000;

    public override IReadOnlyList<string> ProcsFiles { get; } = [Path.Combine(directory, "cgroup.procs")];

    public override long? PeakMemoryBytes() => Number(Path.Combine(directory, "memory.peak"));

    public override long? CurrentMemoryBytes() => Number(Path.Combine(directory, "memory.current"));

    public override (double User, double System)? CpuSeconds()
    {
        var stat = Path.Combine(directory, "cpu.stat");
        return Keyed(stat, "user_usec") is { } user && Keyed(stat, "system_usec") is { } system
            ? (user / MicrosecondsPerSecond, system / MicrosecondsPerSecond)
            : null;
    }

    public override long OomKills() => Keyed(Path.Combine(directory, "memory.events"), "oom_kill") ?? 0;

    public override bool TrySetMemoryLimit(long bytes)
    {
        var set = TryWrite(Path.Combine(directory, "memory.max"), bytes.ToString(CultureInfo.InvariantCulture));
        var swap = Path.Combine(directory, "memory.swap.max");
        return set && (!File.Exists(swap) || TryWrite(swap, "0"));
    }

    public override void Remove() => RemoveDirectory(directory);
}
