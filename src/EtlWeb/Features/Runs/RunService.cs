using System.Text.Json;
using EtlWeb.Core.Jobs;
using EtlWeb.Core.Runs;
using EtlWeb.Data;
using EtlWeb.Orchestration;
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

/// <summary>The run a trigger produced or joined, or why there is none: a refusal, or the bad parameter values by field.</summary>
public sealed record TriggerOutcome(Run? Run, string? Refusal, IDictionary<string, string[]>? Invalid = null);

/// <summary>Operator actions on runs: trigger a job, cancel a run.</summary>
public sealed class RunService(
    IDbContextFactory<EtlDbContext> dbFactory,
    RunEngine engine,
    RunningAttempts running,
    ClusterBus bus,
    CurrentActor actors,
    AuditLog audit,
    RunInputs inputs,
    TimeProvider time)
{
    /// <summary>
    /// Starts a pipeline run of the job (with its Manual downstream jobs unless <paramref name="withDownstream"/> is
    /// false) and returns the job's own run, which may be a pending run this trigger joined.
    /// </summary>
    /// <param name="parameters">Values for the job's declared parameters; the others take their defaults. A bad or unknown
    /// one refuses the trigger, naming it, before anything is created.</param>
    /// <param name="logicalDate">The instant the run is for; the trigger time when null.</param>
    public async Task<TriggerOutcome> TriggerAsync(
        int jobId, TriggerKind trigger, bool withDownstream = true, IReadOnlyDictionary<string, JsonElement>? parameters = null,
        DateTimeOffset? logicalDate = null, CancellationToken cancellationToken = default)
    {
        actors.DemandSomewhere(EtlRoles.Operator, "run jobs");
        Job? job;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            job = await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId, cancellationToken);
        }

        if (job is null)
        {
            return new TriggerOutcome(null, $"There is no job with id {jobId}.");
        }

        actors.Demand(EtlRoles.Operator, "run jobs", job.Folder);

        if (!job.Enabled)
        {
            return new TriggerOutcome(null, $"Job '{job.Name}' is disabled; enable it to run it.");
        }

        var at = logicalDate ?? time.GetUtcNow();
        if (RunInputs.Resolve(job, parameters, at).Errors is { IsEmpty: false } errors)
        {
            return new TriggerOutcome(null, null, errors.ToDictionary());
        }

        var runs = await engine.TriggerAsync([new TriggerRequest(jobId, trigger, withDownstream, LogicalDate: logicalDate, Params: parameters)], cancellationToken);
        var given = parameters is { Count: > 0 } ? $", parameters {string.Join(", ", parameters.Keys.Order(StringComparer.Ordinal))}" : "";
        await audit.RecordAsync(AuditActions.RunTriggered, job.Name, $"run {runs[0]?.Id}{(withDownstream ? "" : ", without downstream jobs")}{given}", cancellationToken);
        return new TriggerOutcome(runs[0], null);
    }

    /// <summary>The values and logical date of an earlier run, to start the job again "with the same parameters"; null when there is no such run.</summary>
    public async Task<(int JobId, Dictionary<string, JsonElement> Params, DateTimeOffset LogicalDate)?> SameInputsAsync(long runId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var run = await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId, cancellationToken);
        return run is null ? null : (run.JobId, inputs.GivenOf(run), run.LogicalDate);
    }

    /// <summary>
    /// Re-runs what did not succeed in the pipeline run that <paramref name="runId"/> belongs to; null when the run does
    /// not exist, a refusal when a job to re-run is disabled.
    /// </summary>
    public async Task<RerunOutcome?> RerunFailedAsync(long runId, CancellationToken cancellationToken = default)
    {
        actors.DemandSomewhere(EtlRoles.Operator, "re-run jobs");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var run = await db.Runs.Where(r => r.Id == runId).Join(db.Jobs, r => r.JobId, j => j.Id, (r, j) => new { r.PipelineId, j.Folder }).FirstOrDefaultAsync(cancellationToken);
        if (run?.PipelineId is not { } id)
        {
            return null;
        }

        actors.Demand(EtlRoles.Operator, "re-run jobs", run.Folder);

        var outcome = await engine.RerunFailedAsync(id, cancellationToken);
        if (outcome.Refusal is null)
        {
            await audit.RecordAsync(AuditActions.RunTriggered, $"run {runId}", $"re-run of what did not succeed: runs {string.Join(", ", outcome.RunIds)}", cancellationToken);
        }

        return outcome;
    }

    /// <summary>
    /// Cancels a queued or waiting run (and a run waiting for its retry) at once; a running one is stopped by the
    /// executor that owns its process, here or on another node, which records Cancelled.
    /// </summary>
    public async Task<CancelResult> CancelAsync(long runId, CancellationToken cancellationToken = default)
    {
        actors.DemandSomewhere(EtlRoles.Operator, "cancel runs");
        if (await FolderOfAsync(runId, cancellationToken) is not { } folder)
        {
            return CancelResult.NotFound;
        }

        actors.Demand(EtlRoles.Operator, "cancel runs", folder);
        var outcome = await engine.CancelAsync(runId, cancellationToken);
        if (outcome is null)
        {
            return CancelResult.NotFound;
        }

        if (outcome == CancelOutcome.AlreadyFinished)
        {
            return CancelResult.AlreadyFinished;
        }

        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var jobName = await db.Runs.Where(r => r.Id == runId).Join(db.Jobs, r => r.JobId, j => j.Id, (r, j) => j.Name).FirstOrDefaultAsync(cancellationToken);
            await audit.RecordAsync(AuditActions.RunCancelled, jobName ?? $"run {runId}", $"run {runId}", cancellationToken);
        }

        ReachProcess(runId, outcome.Value);
        await CancelItemsAsync(runId, cancellationToken);
        return outcome == CancelOutcome.Stopping ? CancelResult.Stopping : CancelResult.Cancelled;
    }

    /// <summary>Cancels a run as part of a larger action that is audited as a whole (a backfill's cancel).</summary>
    public async Task StopAsync(long runId, CancellationToken cancellationToken = default)
    {
        actors.DemandSomewhere(EtlRoles.Operator, "cancel runs");
        if (await FolderOfAsync(runId, cancellationToken) is not { } folder)
        {
            return;
        }

        actors.Demand(EtlRoles.Operator, "cancel runs", folder);
        if (await engine.CancelAsync(runId, cancellationToken) is { } outcome)
        {
            ReachProcess(runId, outcome);
        }

        await CancelItemsAsync(runId, cancellationToken);
    }

    /// <summary>The folder of the run's job; null when there is no such run the acting user may see.</summary>
    private async Task<string?> FolderOfAsync(long runId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Runs.Where(r => r.Id == runId).Join(db.Jobs, r => r.JobId, j => j.Id, (r, j) => j.Folder).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>A for-each run's items go with it: each one not ended yet is cancelled, its process stopped wherever it runs.</summary>
    private async Task CancelItemsAsync(long runId, CancellationToken cancellationToken)
    {
        List<long> items;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            items = await db.Runs.Where(r => r.ParentRunId == runId
                    && (r.Status == RunStatus.Waiting || r.Status == RunStatus.Queued || r.Status == RunStatus.Running))
                .Select(r => r.Id).ToListAsync(cancellationToken);
        }

        foreach (var item in items)
        {
            if (await engine.CancelAsync(item, cancellationToken) is { } outcome)
            {
                ReachProcess(item, outcome);
            }
        }
    }

    private void ReachProcess(long runId, CancelOutcome outcome)
    {
        if (outcome == CancelOutcome.Stopping && !running.RequestCancel(runId))
        {
            // Its process runs on another node.
            bus.SendCancel(runId);
        }
    }
}
