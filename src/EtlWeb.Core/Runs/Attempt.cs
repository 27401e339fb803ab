namespace EtlWeb.Core.Runs;

/// <summary>
/// One process launch inside a run: attempt 1 and each retry. Its status changes only through its transition methods,
/// each refused (returning false, changing nothing) unless <see cref="Lifecycle"/> allows it.
/// </summary>
public sealed class Attempt
{
    /// <summary>For EF Core, which sets the stored values.</summary>
    private Attempt()
    {
    }

    public long Id { get; private set; }

    public long RunId { get; private set; }

    public int Number { get; private set; }

    /// <summary>A unique value put in the process environment (ETLWEB_ATTEMPT) to find every descendant.</summary>
    public string Marker { get; private set; } = "";

    /// <summary>When a retry may start; null for a first attempt.</summary>
    public DateTimeOffset? NotBefore { get; private set; }

    public AttemptStatus Status { get; private set; }

    public DateTimeOffset? StartedAt { get; private set; }

    public DateTimeOffset? FinishedAt { get; private set; }

    public int? ExitCode { get; private set; }

    /// <summary>A human-readable outcome: "exit code 2", "interpreter not found: python9", ...</summary>
    public string? Message { get; private set; }

    /// <summary>The node that owns the attempt and the process group it started.</summary>
    public string? Node { get; private set; }

    public int? ProcessGroupId { get; private set; }

    /// <summary>The values its process wrote to <c>ETL_OUTPUT</c>, a JSON object; null when it wrote none.</summary>
    public string? Outputs { get; private set; }

    /// <summary>The largest resident memory of the process tree at once, in bytes; null where not measured.</summary>
    public long? PeakMemoryBytes { get; private set; }

    public double? CpuUserSeconds { get; private set; }

    public double? CpuSystemSeconds { get; private set; }

    /// <summary>Bytes the tree read from and wrote to storage (not the page cache); null where not measured.</summary>
    public long? ReadBytes { get; private set; }

    public long? WriteBytes { get; private set; }

    /// <summary>How the figures were measured: <see cref="ResourceUsage.CgroupSource"/> or <see cref="ResourceUsage.TreeSource"/>.</summary>
    public string? ResourceSource { get; private set; }

    /// <summary>The pool whose slots the attempt holds while it runs (its job's when it was claimed); empty for none.</summary>
    public string Pool { get; private set; } = "";

    public int PoolSlots { get; private set; }

    public long LogLines { get; private set; }

    public long LogBytes { get; private set; }

    public bool LogTruncated { get; private set; }

    /// <summary>The offsets in the attempt's spool files (stdout, stderr) up to which its log is stored; kept by the log writer.</summary>
    public long SpoolStdout { get; private set; }

    public long SpoolStderr { get; private set; }

    /// <summary>A new attempt, Queued: the first of a run, or a retry due at <paramref name="notBefore"/>.</summary>
    public static Attempt Queued(int number, string marker, DateTimeOffset? notBefore = null, long runId = 0) =>
        new() { Number = number, Marker = marker, NotBefore = notBefore, RunId = runId, Status = AttemptStatus.Queued };

    /// <summary>Whether the attempt may start at <paramref name="now"/>: it is queued and its retry delay is over.</summary>
    public bool IsDue(DateTimeOffset now) => Status == AttemptStatus.Queued && (NotBefore is null || NotBefore <= now);

    /// <summary>Queued to Running on <paramref name="node"/>, holding <paramref name="slots"/> of <paramref name="pool"/>; refused when not queued or not due yet.</summary>
    internal bool Claim(string node, DateTimeOffset now, string pool, int slots)
    {
        if (!IsDue(now) || !Move(AttemptStatus.Running))
        {
            return false;
        }

        StartedAt = now;
        Node = node;
        (Pool, PoolSlots) = pool.Length == 0 ? ("", 0) : (pool, slots);
        return true;
    }

    /// <summary>Running to the outcome's status, with what its log came to.</summary>
    internal bool Settle(AttemptOutcome outcome, LogTotals? log, DateTimeOffset now)
    {
        if (Status != AttemptStatus.Running || !Move(outcome.Status))
        {
            return false;
        }

        ExitCode = outcome.ExitCode;
        Message = outcome.Message;
        Outputs = outcome.Outputs;
        FinishedAt = now;
        if (outcome.Usage is { } usage)
        {
            (PeakMemoryBytes, CpuUserSeconds, CpuSystemSeconds, ReadBytes, WriteBytes, ResourceSource) =
                (usage.PeakMemoryBytes, usage.CpuUserSeconds, usage.CpuSystemSeconds, usage.ReadBytes, usage.WriteBytes, usage.Source);
        }

        if (log is not null)
        {
            LogLines = log.Lines;
            LogBytes = log.Bytes;
            LogTruncated = log.Truncated;
        }

        return true;
    }

    /// <summary>Queued to Cancelled: the attempt never started (its run was cancelled, or its job disabled).</summary>
    internal bool CancelBeforeStart(string message, DateTimeOffset now)
    {
        if (!Move(AttemptStatus.Cancelled, from: AttemptStatus.Queued))
        {
            return false;
        }

        Message = message;
        FinishedAt = now;
        return true;
    }

    private bool Move(AttemptStatus to, AttemptStatus? from = null)
    {
        if ((from is { } expected && Status != expected) || !Lifecycle.Allows(Status, to))
        {
            return false;
        }

        Status = to;
        return true;
    }
}
