using EtlWeb.Core.Runs;

namespace EtlWeb.Core.Execution;

/// <summary>
/// Measures one attempt's tree and watches its CPU time limit (<see cref="ResourceAccounting.Open"/>): from its cgroup
/// where it has one, otherwise from samples of its process tree (peak memory: the largest sum of the tree's resident
/// sets seen; a spike between two samples is missed) and the supervisor's record (<see cref="TreeAccounting"/>).
/// </summary>
public sealed class AttemptMeter
{
    /// <summary>Samples come quickly at first, so a short attempt is seen, then once a second.</summary>
    private static readonly TimeSpan FirstSamples = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan LaterSamples = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan QuickPhase = TimeSpan.FromSeconds(5);

    private readonly AttemptCgroup? cgroup;
    private readonly long machineOomKillsBefore;
    private long sampledPeakBytes;
    private long sampledCpuTicks;

    internal AttemptMeter(AttemptCgroup? cgroup, int memoryLimitMb, int cpuLimitSeconds, long machineOomKillsBefore)
    {
        this.cgroup = cgroup;
        MemoryLimitMb = memoryLimitMb;
        CpuLimitSeconds = cpuLimitSeconds;
        this.machineOomKillsBefore = machineOomKillsBefore;
    }

    /// <summary>The cgroup.procs files the supervisor joins; empty without a cgroup.</summary>
    public IReadOnlyList<string> Join => cgroup?.ProcsFiles ?? [];

    /// <summary>The memory limit the kernel enforces, in MiB; 0 when none is (none asked, or no cgroup).</summary>
    public int MemoryLimitMb { get; }

    public int CpuLimitSeconds { get; }

    /// <summary>Why the job's memory limit is not enforced on this attempt; null when it is, or when it has none.</summary>
    public string? MemoryLimitProblem { get; init; }

    /// <summary>Whether the attempt's process started (or was adopted): an attempt that never ran has no figures.</summary>
    public bool Started { get; set; }

    /// <summary>
    /// Samples the attempt until <paramref name="ct"/> fires; completes early with the reason when its CPU time passes
    /// the limit. With a cgroup and no CPU limit there is nothing to sample: it only waits.
    /// </summary>
    /// <param name="group">The supervisor's pid, the root of the attempt's process tree.</param>
    public async Task<string> WatchAsync(int group, TimeProvider time, CancellationToken ct)
    {
        if (cgroup is not null && CpuLimitSeconds <= 0 && cgroup.PeakMemoryBytes() is not null)
        {
            await Task.Delay(Timeout.Infinite, ct);
        }

        var started = time.GetUtcNow();
        while (true)
        {
            if (CpuSecondsNow(group) is { } cpu && CpuLimitSeconds > 0 && cpu > CpuLimitSeconds)
            {
                return $"CPU time limit exceeded ({CpuLimitSeconds} s)";
            }

            await Task.Delay(time.GetUtcNow() - started < QuickPhase ? FirstSamples : LaterSamples, time, ct);
        }
    }

    /// <summary>The figures once the tree ended, from the cgroup or from the samples and <paramref name="recorded"/>; null when no process ran.</summary>
    public ResourceUsage? Collect(TreeAccounting? recorded)
    {
        if (!Started)
        {
            return null;
        }

        long? sampled = Interlocked.Read(ref sampledPeakBytes) is > 0 and var bytes ? bytes : null;
        if (cgroup is not null)
        {
            var cpu = cgroup.CpuSeconds();
            return new ResourceUsage(cgroup.PeakMemoryBytes() ?? sampled, cpu?.User ?? recorded?.CpuUserSeconds, cpu?.System ?? recorded?.CpuSystemSeconds,
                recorded?.ReadBytes, recorded?.WriteBytes, ResourceUsage.CgroupSource);
        }

        return new ResourceUsage(sampled, recorded?.CpuUserSeconds, recorded?.CpuSystemSeconds, recorded?.ReadBytes, recorded?.WriteBytes, ResourceUsage.TreeSource);
    }

    /// <summary>
    /// Why the kernel ended the tree, when it was out of memory: its cgroup's out-of-memory kills, or without one a
    /// SIGKILL (exit 137) while the machine's count of them grew; null otherwise.
    /// </summary>
    public string? OutOfMemory(int? exitCode)
    {
        if (cgroup is not null)
        {
            return cgroup.OomKills() == 0 ? null
                : MemoryLimitMb > 0 ? $"memory limit exceeded ({MemoryLimitMb} MiB)"
                : "killed by the kernel's out-of-memory killer";
        }

        return exitCode == 128 + NativeMethods.SigKill && ResourceAccounting.OomKillsOfMachine() > machineOomKillsBefore
            ? "killed by SIGKILL while the kernel's out-of-memory killer was at work on this machine: most likely out of memory"
            : null;
    }

    /// <summary>Keeps the largest memory sample (written by the sampling loop, read once the tree ended).</summary>
    private void Note(long bytes)
    {
        if (bytes > Interlocked.Read(ref sampledPeakBytes))
        {
            Interlocked.Exchange(ref sampledPeakBytes, bytes);
        }
    }

    /// <summary>Removes the attempt's cgroup once it is settled (not when the attempt is left running for the next start).</summary>
    public void Release() => cgroup?.Remove();

    /// <summary>The tree's CPU time now: the cgroup's, or the sum over the supervisor and its live descendants (noting their resident memory).</summary>
    private double? CpuSecondsNow(int group)
    {
        if (cgroup is not null)
        {
            // Where the kernel keeps no peak, the samples of the cgroup's current charge stand in for it.
            Note(cgroup.PeakMemoryBytes() is null ? cgroup.CurrentMemoryBytes() ?? 0 : 0);
            return cgroup.CpuSeconds() is { } cpu ? cpu.User + cpu.System : null;
        }

        long pages = 0, ticks = 0;
        foreach (var (_, stat) in ProcessTree.Descendants(group))
        {
            pages += stat.ResidentPages;
            ticks += stat.CpuTicks;
        }

        Note(pages * Environment.SystemPageSize);

        // A process that ended and was reaped moves its time into its parent's children time: the sum does not drop.
        sampledCpuTicks = Math.Max(sampledCpuTicks, ticks);
        return sampledCpuTicks / TreeAccounting.TicksPerSecond;
    }
}
