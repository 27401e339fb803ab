using EtlWeb.Core.Jobs;

namespace EtlWeb.Core.Runs;

/// <summary>
/// One triggered execution of a job, with the definition snapshot it runs with, and its attempts. Its status (and its
/// attempts') changes only through the transition methods below, each refused (returning false or null, changing
/// nothing) unless <see cref="Lifecycle"/> allows it; a terminal status never changes.
/// </summary>
public sealed partial class Run
{
    /// <summary>For EF Core, which sets the stored values.</summary>
    private Run()
    {
    }

    public long Id { get; private set; }

    public int JobId { get; private set; }

    public TriggerKind Trigger { get; private set; }

    public RunStatus Status { get; private set; }

    /// <summary>Why the run is waiting, was skipped or ended the way it did.</summary>
    public string? Reason { get; private set; }

    /// <summary>The job document (JSON) the run executes with; later edits do not change it.</summary>
    public string DefinitionSnapshot { get; private set; } = "";

    public Guid? PipelineId { get; private set; }

    /// <summary>The job's revision the run was made from (<see cref="Jobs.JobRevision"/>); null for a run older than revisions.</summary>
    public int? Revision { get; private set; }

    public DateTimeOffset QueuedAt { get; private set; }

    /// <summary>
    /// The instant the run is for: the due time of the fire for a scheduled run (also a catch-up of a missed fire), the
    /// trigger time for a manual or webhook run; the downstream runs of a pipeline run take their root's.
    /// </summary>
    public DateTimeOffset LogicalDate { get; private set; }

    /// <summary>
    /// The resolved parameter values as a JSON object (numbers and booleans as JSON ones); a secret one is stored as
    /// <see cref="Parameters.RunParameters.Mask"/>, its value sealed in <see cref="SealedParams"/>.
    /// </summary>
    public string Params { get; private set; } = "{}";

    /// <summary>The secret parameter values, encrypted (Data Protection); null when there are none.</summary>
    public string? SealedParams { get; private set; }

    /// <summary>The backfill that started the run (also each downstream run of its pipeline run); null otherwise.</summary>
    public long? BackfillId { get; private set; }

    /// <summary>
    /// For a re-run of a pipeline run's failed part: that pipeline run, whose succeeded runs give this run their outputs
    /// as its own pipeline's would.
    /// </summary>
    public Guid? InputsFrom { get; private set; }

    /// <summary>For an item of a for-each run: that run; null otherwise.</summary>
    public long? ParentRunId { get; private set; }

    /// <summary>For an item of a for-each run: its place in the list (from 0) and its value (<c>ETL_ITEM</c>).</summary>
    public int? ItemIndex { get; private set; }

    public string? Item { get; private set; }

    public DateTimeOffset? StartedAt { get; private set; }

    public DateTimeOffset? FinishedAt { get; private set; }

    /// <summary>Set when a cancel was asked for; the node running the attempt stops it.</summary>
    public bool CancelRequested { get; private set; }

    public List<Attempt> Attempts { get; private set; } = [];

    /// <summary>
    /// A new run, Waiting until its upstream jobs and its overlap policy let it start; its logical date is the time it is
    /// queued unless it is for another instant.
    /// </summary>
    public static Run Create(
        int jobId, TriggerKind trigger, string definitionSnapshot, Guid pipelineId, DateTimeOffset queuedAt, DateTimeOffset? logicalDate = null,
        Parameters.StoredParams? parameters = null, long? backfillId = null, Guid? inputsFrom = null, int? revision = null) =>
        new()
        {
            JobId = jobId,
            Revision = revision,
            Trigger = trigger,
            DefinitionSnapshot = definitionSnapshot,
            PipelineId = pipelineId,
            QueuedAt = queuedAt,
            // In UTC: SQLite compares stored instants by their wall-clock ticks, so one offset for all keeps ranges right.
            LogicalDate = (logicalDate ?? queuedAt).ToUniversalTime(),
            Params = parameters?.Clear ?? "{}",
            SealedParams = parameters?.Sealed,
            BackfillId = backfillId,
            InputsFrom = inputsFrom,
            Status = RunStatus.Waiting,
        };

    /// <summary>A waiting run as read for a decision: only what deciding it needs, so that only what changes is written back.</summary>
    public static Run AsWaiting(
        long id, int jobId, TriggerKind trigger, Guid? pipelineId, DateTimeOffset queuedAt, string? reason, long? backfillId = null, long? parentRunId = null, DateTimeOffset logicalDate = default) =>
        new()
        {
            Id = id, JobId = jobId, Trigger = trigger, PipelineId = pipelineId, QueuedAt = queuedAt, Reason = reason, BackfillId = backfillId,
            ParentRunId = parentRunId, Status = RunStatus.Waiting, LogicalDate = logicalDate,
        };

    /// <summary>Still waiting, now for <paramref name="reason"/>.</summary>
    public bool KeepWaiting(string reason)
    {
        if (Status != RunStatus.Waiting)
        {
            return false;
        }

        Reason = reason;
        return true;
    }

    /// <summary>
    /// Waiting to Queued with its first attempt; null when refused. A scheduled run made before its due time (a
    /// pre-staged fire) gets an attempt that may not start before it: its logical date.
    /// </summary>
    public Attempt? Queue(string marker, DateTimeOffset? now = null)
    {
        if (!Move(RunStatus.Queued, from: RunStatus.Waiting))
        {
            return null;
        }

        Reason = null;
        var prestaged = Trigger == TriggerKind.Schedule && now is { } at && LogicalDate > at;
        var attempt = Attempt.Queued(1, marker, prestaged ? LogicalDate : null, runId: Id);
        Attempts.Add(attempt);
        return attempt;
    }

    /// <summary>New parameter values before the run starts (its upstream runs' outputs filled some); refused once it started.</summary>
    public bool TakeParams(Parameters.StoredParams values)
    {
        if (Status is not (RunStatus.Waiting or RunStatus.Queued))
        {
            return false;
        }

        Params = values.Clear;
        SealedParams = values.Sealed;
        return true;
    }

    /// <summary>Waiting or Queued to Skipped (the overlap policy, the maximum wait, a disabled job), with the reason.</summary>
    public bool Skip(string reason, DateTimeOffset now) => End(RunStatus.Skipped, reason, now);

    /// <summary>Waiting to UpstreamFailed: an upstream in its pipeline run ended without success.</summary>
    public bool FailUpstream(string reason, DateTimeOffset now) => End(RunStatus.UpstreamFailed, reason, now);

    /// <summary>
    /// Claims a due queued attempt of this run for <paramref name="node"/>: the attempt becomes Running, and the run too
    /// if this is its first. Refused after a cancel was asked for, or when the attempt is not this run's, not queued or not due.
    /// The attempt holds <paramref name="slots"/> of <paramref name="pool"/> (none when empty) until it ends.
    /// </summary>
    public bool Claim(Attempt attempt, string node, DateTimeOffset now, string pool = "", int slots = 0)
    {
        if (CancelRequested || attempt.RunId != Id || Status is not (RunStatus.Queued or RunStatus.Running) || !attempt.IsDue(now))
        {
            return false;
        }

        if (Status == RunStatus.Queued)
        {
            Move(RunStatus.Running);
            StartedAt = now;
            Reason = null;
        }

        return attempt.Claim(node, now, pool, slots);
    }

    /// <summary>
    /// Ends a running attempt with its outcome and decides what follows: another attempt after the retry delay
    /// (<see cref="RetryRules"/>), or the run's end. Null when refused (the attempt was not running), else the retry, if any.
    /// </summary>
    public Settled? Settle(Attempt attempt, AttemptOutcome outcome, LogTotals? log, Job job, string retryMarker, DateTimeOffset now)
    {
        if (attempt.RunId != Id || Status != RunStatus.Running || !attempt.Settle(outcome, log, now))
        {
            return null;
        }

        if (RetryRules.DelayBeforeRetry(job, attempt.Number, outcome.Status, CancelRequested) is { } delay)
        {
            var retry = Attempt.Queued(attempt.Number + 1, retryMarker, now + delay, Id);
            Attempts.Add(retry);
            Reason = RetryRules.Describe(attempt.Number, job.MaxRetries, outcome.Status, now + delay);
            return new Settled(retry, delay);
        }

        var status = CancelRequested && outcome.Status != AttemptStatus.Succeeded ? RunStatus.Cancelled : outcome.Status.AsRunStatus();
        End(status, outcome.Status == AttemptStatus.Succeeded ? null : outcome.Message, now);
        return new Settled(null, TimeSpan.Zero);
    }

    /// <summary>
    /// Asks for a cancel. A run with no running attempt ends Cancelled at once, its queued attempts with it; a running one
    /// keeps running until its executor has stopped the process and settles it.
    /// </summary>
    public CancelOutcome Cancel(DateTimeOffset now)
    {
        if (Status.IsTerminal())
        {
            return CancelOutcome.AlreadyFinished;
        }

        CancelRequested = true;
        if (Attempts.Any(a => a.Status == AttemptStatus.Running))
        {
            return CancelOutcome.Stopping;
        }

        const string BeforeStart = "Cancelled before it started.";
        foreach (var attempt in Attempts.Where(a => a.Status == AttemptStatus.Queued))
        {
            attempt.CancelBeforeStart(BeforeStart, now);
        }

        End(RunStatus.Cancelled, BeforeStart, now);
        return CancelOutcome.Cancelled;
    }

    /// <summary>
    /// Ends the run before <paramref name="attempt"/> (queued) starts, because its job was disabled meanwhile: Skipped
    /// if nothing of it ran yet, else Cancelled. Refused when the attempt is not queued or the run has ended.
    /// </summary>
    public bool EndBeforeStart(Attempt attempt, string jobName, DateTimeOffset now)
    {
        if (attempt.RunId != Id || attempt.Status != AttemptStatus.Queued || Status.IsTerminal())
        {
            return false;
        }

        var started = StartedAt is not null;
        var reason = started
            ? $"Cancelled: job '{jobName}' was disabled before attempt {attempt.Number} started."
            : $"Skipped: job '{jobName}' was disabled before the run started.";
        return attempt.CancelBeforeStart(reason, now) && End(started ? RunStatus.Cancelled : RunStatus.Skipped, reason, now);
    }

    private bool End(RunStatus status, string? reason, DateTimeOffset now)
    {
        if (!Move(status))
        {
            return false;
        }

        Reason = reason;
        FinishedAt = now;
        return true;
    }

    private bool Move(RunStatus to, RunStatus? from = null)
    {
        if ((from is { } expected && Status != expected) || !Lifecycle.Allows(Status, to))
        {
            return false;
        }

        Status = to;
        return true;
    }
}

/// <summary>What settling an attempt led to: the retry to run after <see cref="Delay"/>, or none when the run ended.</summary>
public sealed record Settled(Attempt? Retry, TimeSpan Delay);

/// <summary>What asking for a cancel did.</summary>
public enum CancelOutcome
{
    AlreadyFinished,
    Cancelled,
    Stopping,
}
