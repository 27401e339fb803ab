using EtlWeb.Core.Runs;
using EtlWeb.Data;
using EtlWeb.Orchestration;
using EtlWeb.Realtime;
using EtlWeb.Security;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Features.Runs;

/// <summary>Result of asking for a cancel.</summary>
public enum CancelResult
{
    NotFound,
    AlreadyFinished,
    Cancelled,
    Stopping,
}

/// <summary>The run a trigger produced or joined, or why there is none.</summary>
public sealed record TriggerOutcome(Run? Run, string? Refusal);

/// <summary>Operator actions on runs: trigger a job, cancel a run.</summary>
public sealed class RunService(
    IDbContextFactory<EtlDbContext> dbFactory,
    PipelineCoordinator coordinator,
    RunningAttempts running,
    RunBroadcaster broadcaster,
    ClusterBus bus,
    TimeProvider time,
    CurrentActor actors,
    AuditLog audit)
{
    /// <summary>
    /// Starts a pipeline run of the job (with its Manual downstream jobs unless <paramref name="withDownstream"/> is
    /// false) and returns the job's own run, which may be a pending run this trigger joined.
    /// </summary>
    public async Task<TriggerOutcome> TriggerAsync(int jobId, TriggerKind trigger, bool withDownstream = true, CancellationToken cancellationToken = default)
    {
        actors.Demand(EtlRoles.Operator, "run jobs");
        string name;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var job = await db.Jobs.Where(j => j.Id == jobId).Select(j => new { j.Name, j.Enabled }).FirstOrDefaultAsync(cancellationToken);
            if (job is null)
            {
                return new TriggerOutcome(null, $"There is no job with id {jobId}.");
            }

            if (!job.Enabled)
            {
                return new TriggerOutcome(null, $"Job '{job.Name}' is disabled; enable it to run it.");
            }

            name = job.Name;
        }

        var runs = await coordinator.TriggerAsync([new TriggerRequest(jobId, trigger, withDownstream)], cancellationToken);
        await audit.RecordAsync(AuditActions.RunTriggered, name, $"run {runs[0]?.Id}{(withDownstream ? "" : ", without downstream jobs")}", cancellationToken);
        return new TriggerOutcome(runs[0], null);
    }

    /// <summary>
    /// Re-runs what did not succeed in the pipeline run that <paramref name="runId"/> belongs to; null when the run does
    /// not exist, a refusal when a job to re-run is disabled.
    /// </summary>
    public async Task<RerunOutcome?> RerunFailedAsync(long runId, CancellationToken cancellationToken = default)
    {
        actors.Demand(EtlRoles.Operator, "re-run jobs");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var pipeline = await db.Runs.Where(r => r.Id == runId).Select(r => r.PipelineId).FirstOrDefaultAsync(cancellationToken);
        if (pipeline is not { } id)
        {
            return null;
        }

        var outcome = await coordinator.RerunFailedAsync(id, cancellationToken);
        if (outcome.Refusal is null)
        {
            await audit.RecordAsync(AuditActions.RunTriggered, $"run {runId}", $"re-run of what did not succeed: runs {string.Join(", ", outcome.RunIds)}", cancellationToken);
        }

        return outcome;
    }

    /// <summary>
    /// Cancels a queued or waiting run (and a run waiting for its retry) at once; a running one is stopped
    /// by the executor that owns its process, which records Cancelled.
    /// </summary>
    public async Task<CancelResult> CancelAsync(long runId, CancellationToken cancellationToken = default)
    {
        actors.Demand(EtlRoles.Operator, "cancel runs");
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var run = await db.Runs.Include(r => r.Attempts).FirstOrDefaultAsync(r => r.Id == runId, cancellationToken);
        if (run is null)
        {
            return CancelResult.NotFound;
        }

        if (run.Status.IsTerminal())
        {
            return CancelResult.AlreadyFinished;
        }

        run.CancelRequested = true;
        var processRunning = run.Attempts.Any(a => a.Status == RunStatus.Running);
        if (!processRunning)
        {
            foreach (var attempt in run.Attempts.Where(a => a.Status == RunStatus.Queued))
            {
                attempt.Status = RunStatus.Cancelled;
                attempt.FinishedAt = now;
                attempt.Message = "Cancelled before it started.";
            }

            run.Status = RunStatus.Cancelled;
            run.FinishedAt = now;
            run.Reason = "Cancelled before it started.";
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        var jobName = await db.Jobs.Where(j => j.Id == run.JobId).Select(j => j.Name).FirstOrDefaultAsync(cancellationToken);
        await audit.RecordAsync(AuditActions.RunCancelled, jobName ?? $"job {run.JobId}", $"run {runId}", cancellationToken);
        if (processRunning)
        {
            if (!running.RequestCancel(runId))
            {
                // Its process runs on another node.
                bus.SendCancel(runId);
            }

            return CancelResult.Stopping;
        }

        broadcaster.Publish(new RunChanged(run.Id, run.JobId, RunStatus.Cancelled, null, 0));
        await coordinator.EvaluateAfterRunAsync(run.JobId, cancellationToken);
        return CancelResult.Cancelled;
    }
}
