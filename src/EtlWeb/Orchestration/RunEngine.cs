using EtlWeb.Configuration;
using EtlWeb.Core.Jobs;
using EtlWeb.Core.Runs;
using EtlWeb.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EtlWeb.Orchestration;

/// <summary>
/// The one writer of the run lifecycle. Every status change of a run or an attempt is decided by Core's transition
/// methods and persisted here (or by the engine's <see cref="PipelineCoordinator"/> and <see cref="WaitingRuns"/>,
/// which it calls), each on the condition that the status is still the one it was decided from (the status is a
/// concurrency token: a second delivery, a second settle, a cancel racing a claim change nothing). What follows a
/// transition is done here, once: publish it, schedule the retry, decide the waiting runs it affects (notifications
/// follow the published changes). The executor, crash recovery, the lost-node takeover, cancel, the scheduler and the
/// webhooks all come through it.
/// </summary>
public sealed partial class RunEngine(
    IDbContextFactory<EtlDbContext> dbFactory,
    PipelineCoordinator coordinator,
    WaitingRuns waiting,
    RunFollowUps followUps,
    RunInputs inputs,
    ClaimArbiter arbiter,
    TimeProvider time,
    IOptions<NodeOptions> node,
    ILogger<RunEngine> logger)
{
    /// <summary>How often a cancel that lost a race to a claim or a settle is tried again from fresh rows.</summary>
    private const int CancelAttempts = 5;

    public string NodeName => node.Value.EffectiveName;

    /// <summary>
    /// Creates (or joins) the runs of each request's pipeline and starts what is ready; returns each request's own run.
    /// The engine sees every folder whoever asks: a pipeline is the same whether its first job was run by an Admin or by
    /// an Operator of one folder (the caller has checked the rights on the job it asked for).
    /// </summary>
    public async Task<IReadOnlyList<Run?>> TriggerAsync(IReadOnlyList<TriggerRequest> requests, CancellationToken cancellationToken)
    {
        using (FolderVisibility.Restrict(null))
        {
            return await coordinator.TriggerAsync(requests, cancellationToken);
        }
    }

    /// <summary>Re-runs the part of a pipeline run that did not succeed; refused when a job of it is disabled.</summary>
    public async Task<RerunOutcome> RerunFailedAsync(Guid pipelineId, CancellationToken cancellationToken)
    {
        using (FolderVisibility.Restrict(null))
        {
            return await coordinator.RerunFailedAsync(pipelineId, cancellationToken);
        }
    }

    /// <summary>Records a due time that was not run (skipped by an operator) as a Skipped run for it, with its reason.</summary>
    public async Task RecordSkippedAsync(int jobId, TriggerKind trigger, DateTimeOffset due, string reason, CancellationToken cancellationToken)
    {
        using (FolderVisibility.Restrict(null))
        {
            await coordinator.RecordSkippedAsync(jobId, trigger, due, reason, cancellationToken);
        }
    }

    /// <summary>
    /// Decides every waiting run: after a restart, or when what they wait on may have changed. A for-each run whose
    /// last item ended just before a crash is ended first.
    /// </summary>
    public async Task DecideWaitingAsync(CancellationToken cancellationToken)
    {
        await EndForEachRunsAsync(null, cancellationToken);
        await waiting.DecideAllAsync(cancellationToken);
    }

    /// <summary>
    /// An attempt still Running on <paramref name="node"/> (any node when null), with the job as its run has it: what a
    /// restarted node needs to follow the attempt's process on. No status changes: the attempt stays the node's.
    /// </summary>
    public async Task<ClaimedAttempt?> RunningOnAsync(long attemptId, string? node, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await LoadAsync(db, attemptId, cancellationToken) is not var (attempt, run)
            || attempt.Status != AttemptStatus.Running || (node is not null && attempt.Node != node))
        {
            return null;
        }

        return new ClaimedAttempt(attempt, run, await DefinitionAsync(db, run, cancellationToken));
    }

    /// <summary>
    /// Ends a running attempt with its outcome, then schedules the retry or ends the run and decides what waited on it.
    /// False when refused: the attempt is no longer running, or (<paramref name="owner"/> given) no longer that node's,
    /// as when another node settled it after taking this one for lost. A null owner settles it wherever it ran.
    /// </summary>
    public async Task<bool> SettleAsync(long attemptId, AttemptOutcome outcome, LogTotals? log, string? owner, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await LoadAsync(db, attemptId, cancellationToken) is not var (attempt, run) || (owner is not null && attempt.Node != owner))
        {
            return false;
        }

        var job = JobSnapshot.Read(run.DefinitionSnapshot);
        if (run.Settle(attempt, outcome, log, job, WaitingRuns.NewMarker(), time.GetUtcNow()) is not { } settled
            || !await SaveAsync(db, cancellationToken))
        {
            return false;
        }

        if (settled.Retry is { } retry)
        {
            followUps.ScheduleRetry(run, retry, settled.Delay);
        }
        else
        {
            followUps.Publish(run, attempt);
            await AfterEndAsync(run, cancellationToken);
        }

        await WakePoolAsync(db, attempt.Pool, cancellationToken);
        return true;
    }

    /// <summary>
    /// An ended attempt's slots are free: the pool's best waiting attempts get a delivery each. After the follow-ups, and
    /// never failing the settle: should the database not answer, the queue watchdog hands them to the queue later.
    /// </summary>
    private async Task WakePoolAsync(EtlDbContext db, string pool, CancellationToken cancellationToken)
    {
        if (pool.Length == 0)
        {
            return;
        }

        try
        {
            await arbiter.WakeAsync(db, pool, cancellationToken);
        }
        catch (Exception ex) when (ex is DbUpdateException or System.Data.Common.DbException or InvalidOperationException)
        {
            logger.LogWarning(ex, "The attempts waiting for pool {Pool} could not be woken; the queue watchdog hands them to the queue", pool);
        }
    }

    /// <summary>
    /// Asks for a cancel: a run that has not started a process ends Cancelled at once; a running one is marked, and the
    /// caller has its process stopped (the executor then settles it Cancelled). Null when there is no such run.
    /// </summary>
    public async Task<CancelOutcome?> CancelAsync(long runId, CancellationToken cancellationToken)
    {
        using var everyFolder = FolderVisibility.Restrict(null);
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var run = await db.Runs.Include(r => r.Attempts).FirstOrDefaultAsync(r => r.Id == runId, cancellationToken);
            if (run is null)
            {
                return null;
            }

            var outcome = run.Cancel(time.GetUtcNow());
            if (outcome == CancelOutcome.AlreadyFinished)
            {
                return outcome;
            }

            if (!await SaveAsync(db, cancellationToken) && attempt < CancelAttempts)
            {
                // A claim or a settle changed the run first: decide again from what it is now.
                continue;
            }

            if (outcome == CancelOutcome.Cancelled)
            {
                followUps.Publish(run, null);
                await AfterEndAsync(run, cancellationToken);
            }

            return outcome;
        }
    }

    /// <summary>
    /// What a run's end decides: the waiting runs of its job and of the jobs after it; for an item of a for-each run,
    /// that run's end once all its items ended (and then what waited on it).
    /// </summary>
    private async Task AfterEndAsync(Run run, CancellationToken cancellationToken)
    {
        if (run.ParentRunId is { } parentId)
        {
            await EndForEachRunsAsync([parentId], cancellationToken);
        }

        await waiting.DecideAfterRunAsync(run.JobId, cancellationToken);
    }

    /// <summary>Ends the for-each runs (of <paramref name="parentIds"/>, or all) whose items all ended, and decides what waited on them.</summary>
    private async Task EndForEachRunsAsync(IReadOnlyCollection<long>? parentIds, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var ended = await ForEachRuns.EndDoneAsync(db, parentIds, time.GetUtcNow(), cancellationToken);
        if (ended.Count == 0 || !await SaveAsync(db, cancellationToken))
        {
            return;
        }

        foreach (var parent in ended)
        {
            followUps.Publish(parent, null);
            await waiting.DecideAfterRunAsync(parent.JobId, cancellationToken);
        }
    }

    /// <summary>The process group an attempt's process leads, so recovery can stop it (one statement: no status changes).</summary>
    public async Task RecordProcessAsync(long attemptId, int processGroupId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Attempts.Where(a => a.Id == attemptId).ExecuteUpdateAsync(u => u.SetProperty(a => a.ProcessGroupId, processGroupId), cancellationToken);
    }

    /// <summary>Saves the tracked transitions; false when a status changed meanwhile, and nothing of the save is kept.</summary>
    private static async Task<bool> SaveAsync(EtlDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            return false;
        }
    }

    /// <summary>An attempt and its run (with the run's attempts), both tracked, in one query; null when the attempt is gone.</summary>
    private static async Task<(Attempt Attempt, Run Run)?> LoadAsync(EtlDbContext db, long attemptId, CancellationToken cancellationToken)
    {
        // Found from the attempt's primary key: a filter on the run side alone would scan the runs table.
        var run = await db.Runs.Include(r => r.Attempts)
            .Where(r => db.Attempts.Where(a => a.Id == attemptId).Select(a => a.RunId).Contains(r.Id))
            .FirstOrDefaultAsync(cancellationToken);
        return run is null ? null : (run.Attempts.Single(a => a.Id == attemptId), run);
    }

    /// <summary>The job as the run's attempt runs it: its snapshot, the secret values, the run's parameters and logical date.</summary>
    private async Task<Job> DefinitionAsync(EtlDbContext db, Run run, CancellationToken cancellationToken)
    {
        var definition = JobSnapshot.Read(run.DefinitionSnapshot);
        await AddSecretValuesAsync(db, run.JobId, definition, cancellationToken);
        inputs.AddTo(definition, run);
        if (run.Item is { } item)
        {
            definition.Environment[ForEachItems.ItemVariable] = item;
            definition.Environment[ForEachItems.IndexVariable] = run.ItemIndex!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return definition;
    }

    /// <summary>The secret values as the job holds them now (decrypted on load); a secret the job no longer has stays unset.</summary>
    private static async Task AddSecretValuesAsync(EtlDbContext db, int jobId, Job job, CancellationToken cancellationToken)
    {
        if (job.SecretEnvironment.Count == 0
            || await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId, cancellationToken) is not { } current)
        {
            return;
        }

        foreach (var name in job.SecretEnvironment)
        {
            if (current.Environment.TryGetValue(name, out var value))
            {
                job.Environment[name] = value;
            }
        }
    }
}
