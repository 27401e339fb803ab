using EtlWeb.Core.Jobs;
using EtlWeb.Core.Runs;
using EtlWeb.Data;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Orchestration;

/// <summary>An attempt this node claimed: it, its run, and the job definition the run was created with (secret values in).</summary>
public sealed record ClaimedAttempt(Attempt Attempt, Run Run, Job Job)
{
    /// <summary>The outputs of its upstream runs by job name (<see cref="AttemptOutputs"/>).</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, System.Text.Json.JsonElement>>? Upstream { get; init; }

    /// <summary>Why the attempt cannot start with its inputs (an upstream output that does not fit a parameter).</summary>
    public string? InputError { get; init; }
}

/// <summary>What a claim found: the attempt to run, a retry delivered before its delay is over, or nothing to do.</summary>
/// <param name="DueIn">Set when the attempt is queued but its retry delay is not over yet.</param>
public sealed record ClaimResult(ClaimedAttempt? Claimed, TimeSpan? DueIn = null);

/// <summary>The claim: which queued attempt a delivery from the queue starts on this node.</summary>
public sealed partial class RunEngine
{
    /// <summary>
    /// Claims a queued attempt for this node. An attempt whose job was disabled meanwhile never starts: its run ends
    /// (Skipped, or Cancelled when an earlier attempt ran). Nothing to do when it was claimed, cancelled or removed already.
    /// Once a job has a priority or a pool, the delivery starts the best ready attempt instead (<see cref="ClaimArbiter"/>).
    /// </summary>
    public async Task<ClaimResult> ClaimAsync(long attemptId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await LoadAsync(db, attemptId, cancellationToken) is not var (attempt, run))
        {
            return new ClaimResult(null);
        }

        // One statement: the job, whether it has upstream jobs, and whether any job has a priority or a pool.
        var job = await db.Jobs.Where(j => j.Id == run.JobId)
            .Select(j => new
            {
                j.Name,
                j.Enabled,
                HasUpstream = db.Dependencies.Any(d => d.DownstreamJobId == j.Id),
                Arbitrate = db.Jobs.Any(o => o.Priority != 0 || o.Pool != ""),
            }).FirstOrDefaultAsync(cancellationToken);
        if (job is { Enabled: false } && run.EndBeforeStart(attempt, job.Name, now))
        {
            if (await SaveAsync(db, cancellationToken))
            {
                followUps.Publish(run, attempt);
                await AfterEndAsync(run, cancellationToken);
            }

            return new ClaimResult(null);
        }

        if (attempt.Status == AttemptStatus.Queued && attempt.NotBefore is { } due && due > now)
        {
            return new ClaimResult(null, due - now);
        }

        var prepared = new Prepared(UpstreamOutputs.None, null);
        async Task PrepareAsync(Run claiming)
        {
            // Most jobs have no upstream job: the query that found the job said so, and nothing more is read.
            var hasUpstream = claiming.JobId == run.JobId ? job?.HasUpstream == true : await db.Dependencies.AnyAsync(d => d.DownstreamJobId == claiming.JobId, cancellationToken);
            var upstream = hasUpstream ? await UpstreamOutputs.LoadAsync(db, claiming, cancellationToken) : UpstreamOutputs.None;
            // The runs that took only defaults: a pipeline's downstream runs, for-each items, re-runs. A retry checks again
            // (the values stay those of its first attempt), so an output that does not fit fails every attempt.
            var inputError = claiming.Trigger is TriggerKind.Upstream or TriggerKind.ForEach || claiming.InputsFrom is not null ? inputs.FillFromOutputs(claiming, upstream) : null;
            prepared = new Prepared(upstream, inputError);
        }

        if (job is { Arbitrate: true })
        {
            if (await ClaimBestAsync(db, attemptId, PrepareAsync, cancellationToken) is not var (best, bestRun))
            {
                return new ClaimResult(null);
            }

            (attempt, run) = (best, bestRun);
        }
        else
        {
            await PrepareAsync(run);
            if (!run.Claim(attempt, NodeName, now) || !await SaveAsync(db, cancellationToken))
            {
                return new ClaimResult(null);
            }
        }

        followUps.Publish(run, attempt);
        return new ClaimResult(new ClaimedAttempt(attempt, run, await DefinitionAsync(db, run, cancellationToken)) { Upstream = prepared.Upstream, InputError = prepared.InputError });
    }

    /// <summary>The arbiter's claim; a race lost to another node or a deadlock (PostgreSQL) hands the delivery back to the queue.</summary>
    private async Task<(Attempt, Run)?> ClaimBestAsync(EtlDbContext db, long attemptId, Func<Run, Task> prepare, CancellationToken cancellationToken)
    {
        try
        {
            return await arbiter.ClaimAsync(db, attemptId, NodeName, prepare, cancellationToken);
        }
        catch (Exception ex) when (ex is DbUpdateException or System.Data.Common.DbException)
        {
            // A race lost to another claim, or a deadlock between two nodes' pool locks: nothing was claimed.
            arbiter.Redeliver(attemptId);
            return null;
        }
    }

    private sealed record Prepared(IReadOnlyDictionary<string, IReadOnlyDictionary<string, System.Text.Json.JsonElement>> Upstream, string? InputError);
}
