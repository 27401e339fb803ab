namespace EtlWeb.Core.Runs;

/// <summary>How an attempt ended: its status, the process's exit code when it exited, and a message for people.</summary>
/// <param name="Outputs">The values its process wrote to <c>ETL_OUTPUT</c>, as stored (<see cref="OutputRead.Stored"/>).</param>
/// <param name="Usage">What its process tree used, where it was measured.</param>
public sealed record AttemptOutcome(AttemptStatus Status, int? ExitCode, string Message, string? Outputs = null, ResourceUsage? Usage = null);

/// <summary>
/// What an attempt's whole process tree used; a figure is null where it was not measured.
/// <paramref name="Source"/> says how: <see cref="CgroupSource"/> (exact) or <see cref="TreeSource"/> (see the README).
/// </summary>
public sealed record ResourceUsage(long? PeakMemoryBytes, double? CpuUserSeconds, double? CpuSystemSeconds, long? ReadBytes, long? WriteBytes, string Source)
{
    public const string CgroupSource = "cgroup";

    public const string TreeSource = "process tree";

    public double? CpuSeconds => CpuUserSeconds + CpuSystemSeconds;
}

/// <summary>What an attempt's log holds once it is complete.</summary>
public sealed record LogTotals(long Lines, long Bytes, bool Truncated);
