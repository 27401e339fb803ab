using System.Text.Json;
using EtlWeb.Core.Jobs;
using EtlWeb.Core.Runs;
using EtlWeb.Core.Scheduling;
using EtlWeb.Data;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Orchestration;

/// <summary>The runs a re-run created, or why it created none (a job to re-run is disabled).</summary>
public sealed record RerunOutcome(IReadOnlyList<long> RunIds, string? Refusal);

/// <summary>A request to start a job: alone, or with its Manual downstream jobs as one pipeline run.</summary>
/// <param name="Variables">Environment variables for the job's own run only (a webhook's input), not for its downstream runs.</param>
/// <param name="FireAt">For a schedule's fire, its due time: the fire is recorded in the same transaction and refused when
/// it was recorded already, so each due time makes one run even if two schedulers tried (a lease that just moved). It is
/// also the run's logical date.</param>
/// <param name="LogicalDate">The instant the run is for, when it is not a fire's (a catch-up of a missed one, a backfilled
/// due time, a chosen date); else the trigger time.</param>
/// <param name="Params">Parameter values given to the job's own run (checked by the caller); its downstream runs and any
/// value not given take the defaults.</param>
/// <param name="BackfillId">The backfill the pipeline run is for: its runs never join a pending run nor count for the
/// overlap policy of the job's other runs.</param>
/// <param name="BackfillItemId">The backfill's due time the run is for: its run is recorded on it in the same transaction.</param>
public sealed record TriggerRequest(
    int JobId, TriggerKind Trigger, bool WithDownstream = true, IReadOnlyDictionary<string, string>? Variables = null, DateTimeOffset? FireAt = null,
    DateTimeOffset? LogicalDate = null, IReadOnlyDictionary<string, JsonElement>? Params = null, long? BackfillId = null, long? BackfillItemId = null);

/// <summary>
/// Turns triggers into runs (DESIGN.md section 4): pipeline expansion, one pending run per job (later triggers join
/// it), then the new runs decided at once (<see cref="WaitingRuns"/>), so a run that is ready is Queued when the trigger
/// returns. Part of the engine: <see cref="RunEngine"/> calls it, nothing else.
/// </summary>
public sealed class PipelineCoordinator(
    IDbContextFactory<EtlDbContext> dbFactory, EngineLocks locks, WaitingRuns waiting, RunFollowUps followUps, RunInputs inputs, TimeProvider time)
{
    /// <summary>Creates (or joins) the runs of each request's pipeline and starts what is ready; returns each request's own run.</summary>
    public async Task<IReadOnlyList<Run?>> TriggerAsync(IReadOnlyList<TriggerRequest> requests, CancellationToken cancellationToken)
    {
        var changes = new EngineChanges();
        var rootRunIds = new List<long?>();
        Dictionary<long, Run> runs;
        using (await locks.EnterAsync(cancellationToken))
        {
            var now = time.GetUtcNow();
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var dependencies = await db.Dependencies.AsNoTracking().ToListAsync(cancellationToken);
            var downstreamOf = dependencies.ToLookup(d => d.UpstreamJobId, d => d.DownstreamJobId);
            var reachable = PipelinePlanner.Reachable(requests.Select(r => r.JobId), downstreamOf);

            // Each job's join, overlap and fan-in decision, and each fire of its schedule, is made by one transaction at a time.
            await EngineLocks.LockDecidingJobsAsync(db, reachable, requests.Where(r => r.FireAt is not null).Select(r => r.JobId), cancellationToken);
            var jobs = await db.Jobs.AsNoTracking().Where(j => reachable.Contains(j.Id)).ToDictionaryAsync(j => j.Id, cancellationToken);
            var firedAlready = await RecordFiresAsync(db, requests, jobs, cancellationToken);

            // Only the newest pending run of each job can be joined; nothing else of the queue is read.
            var pending = await db.Runs.Where(r => reachable.Contains(r.JobId) && r.BackfillId == null && r.ParentRunId == null && (r.Status == RunStatus.Queued || r.Status == RunStatus.Waiting))
                .GroupBy(r => r.JobId).Select(g => new { JobId = g.Key, RunId = g.Max(r => r.Id) })
                .ToDictionaryAsync(p => p.JobId, p => p.RunId, cancellationToken);
            var created = new Dictionary<int, Run>();
            var fresh = new List<Run>();
            var joined = new List<(Func<long> RunId, TriggerKind Trigger, Guid Pipeline, DateTimeOffset? JoinedFire)>();
            var unresolved = new List<(Run Run, string Reason)>();
            var roots = new List<Func<long>?>();
            foreach (var request in requests)
            {
                if (!jobs.ContainsKey(request.JobId) || firedAlready.Contains(request))
                {
                    roots.Add(null);
                    continue;
                }

                var pipeline = Guid.NewGuid();
                var logicalDate = request.LogicalDate ?? request.FireAt ?? now;
                foreach (var member in PipelinePlanner.Expand(request.JobId, jobs, downstreamOf, request.WithDownstream))
                {
                    var job = jobs[member];
                    var trigger = member == request.JobId ? request.Trigger : TriggerKind.Upstream;
                    var input = member == request.JobId ? request.Variables : null;
                    var given = member == request.JobId ? request.Params : null;
                    // A run asked for with its own inputs (variables, values, a chosen instant) is a run of its own.
                    var ownInputs = input is { Count: > 0 } || given is { Count: > 0 } || request.BackfillId is not null
                        || (request.LogicalDate is not null && request.Trigger != TriggerKind.CatchUp);
                    var joins = PipelinePlanner.JoinsPendingRun(job.OverlapPolicy, ownInputs);
                    Func<long> runId;
                    var joinedFire = (DateTimeOffset?)null;
                    if (joins && pending.TryGetValue(member, out var existing))
                    {
                        runId = () => existing;
                        joinedFire = member == request.JobId ? request.FireAt?.ToUniversalTime() : null;
                    }
                    else if (joins && created.TryGetValue(member, out var same))
                    {
                        runId = () => same.Id;
                        joinedFire = member == request.JobId && request.FireAt?.ToUniversalTime() != same.LogicalDate ? request.FireAt?.ToUniversalTime() : null;
                    }
                    else
                    {
                        var resolution = RunInputs.Resolve(job, given, logicalDate);
                        var run = Run.Create(member, trigger, JobSnapshot.Of(job, input), pipeline, now, logicalDate, inputs.Store(resolution.Values), request.BackfillId, revision: RevisionOf(job));
                        db.Runs.Add(run);
                        if (!resolution.Errors.IsEmpty)
                        {
                            // A fire or a downstream run has only the defaults: one that cannot fill a required parameter does not run.
                            unresolved.Add((run, $"Skipped: its parameters have no valid value ({resolution.Errors})."));
                        }

                        created[member] = run;
                        fresh.Add(run);
                        runId = () => run.Id;
                    }

                    joined.Add((runId, trigger, pipeline, joinedFire));
                    if (member == request.JobId)
                    {
                        roots.Add(runId);
                    }
                }
            }

            foreach (var (run, reason) in unresolved)
            {
                run.Skip(reason, now);
                changes.Changed(run);
            }

            await db.SaveChangesAsync(cancellationToken);
            db.RunRequests.AddRange(joined.Select(j => new RunRequest { RunId = j.RunId(), Trigger = j.Trigger, PipelineId = j.Pipeline, RequestedAt = now, FireAt = j.JoinedFire }));
            await db.SaveChangesAsync(cancellationToken);
            rootRunIds.AddRange(roots.Select(r => r?.Invoke()));
            for (var i = 0; i < requests.Count; i++)
            {
                if (requests[i].BackfillItemId is { } itemId && rootRunIds[i] is { } runId)
                {
                    await db.BackfillItems.Where(item => item.Id == itemId).ExecuteUpdateAsync(u => u.SetProperty(item => item.RunId, runId), cancellationToken);
                }
            }

            // The new runs are decided in the same transaction. Starting them changes nothing for the runs already
            // waiting; ending one (overlap Skip) may, so then all are decided.
            db.ChangeTracker.Clear();
            var freshIds = fresh.Select(r => r.Id).ToList();
            await waiting.DecideInAsync(db, r => freshIds.Contains(r.Id), dependencies, changes, cancellationToken);

            var ids = rootRunIds.OfType<long>().ToList();
            runs = await db.Runs.AsNoTracking().Where(r => ids.Contains(r.Id)).ToDictionaryAsync(r => r.Id, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        followUps.Dispatch(changes);
        return [.. rootRunIds.Select(id => id is { } value ? runs.GetValueOrDefault(value) : null)];
    }

    /// <summary>Records a due time that was not run (skipped by an operator) as a Skipped run for it, with its reason.</summary>
    public async Task RecordSkippedAsync(int jobId, TriggerKind trigger, DateTimeOffset due, string reason, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId, cancellationToken) is not { } job)
        {
            return;
        }

        var run = Run.Create(jobId, trigger, JobSnapshot.Of(job), Guid.NewGuid(), now, due, inputs.Store(RunInputs.Resolve(job, null, due).Values), revision: RevisionOf(job));
        run.Skip(reason, now);
        db.Runs.Add(run);
        await db.SaveChangesAsync(cancellationToken);
        followUps.Publish(run, null);
    }

    /// <summary>
    /// Re-runs the part of a pipeline run that did not succeed (<see cref="RerunPlanner"/>); the succeeded part is not run
    /// again. Refused, with nothing created, when a job to re-run is disabled.
    /// </summary>
    public async Task<RerunOutcome> RerunFailedAsync(Guid pipelineId, CancellationToken cancellationToken)
    {
        var changes = new EngineChanges();
        var created = new List<Run>();
        using (await locks.EnterAsync(cancellationToken))
        {
            var now = time.GetUtcNow();
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var rows = await db.RunRequests.Where(q => q.PipelineId == pipelineId)
                .Join(db.Runs, q => q.RunId, r => r.Id, (q, r) => new { r.JobId, r.Id, r.Status, r.LogicalDate, r.Params, r.SealedParams }).ToListAsync(cancellationToken);
            var failedJobs = RerunPlanner.JobsToRerun([.. rows.Select(r => new PipelineMember(r.JobId, r.Id, r.Status))]);

            // A job's re-run is for the same instant, with the same parameter values, as the run it re-does.
            var redone = rows.GroupBy(r => r.JobId).ToDictionary(g => g.Key, g => g.MaxBy(r => r.Id)!);
            await EngineLocks.LockJobsAsync(db, failedJobs, cancellationToken);
            var jobs = await db.Jobs.AsNoTracking().Where(j => failedJobs.Contains(j.Id)).ToListAsync(cancellationToken);
            if (jobs.Where(j => !j.Enabled).Select(j => $"'{j.Name}'").ToList() is { Count: > 0 } disabled)
            {
                return new RerunOutcome([], $"Job {string.Join(", ", disabled)} {(disabled.Count == 1 ? "is" : "are")} disabled; enable {(disabled.Count == 1 ? "it" : "them")} to re-run.");
            }

            var pipeline = Guid.NewGuid();
            var unresolved = new List<(Run Run, string Reason)>();
            foreach (var job in jobs)
            {
                // The values are checked again: the job's declarations may have changed since.
                var (given, logicalDate) = redone.TryGetValue(job.Id, out var old) ? (inputs.GivenOf(old.Params, old.SealedParams), old.LogicalDate) : (null, now);
                var resolution = RunInputs.Resolve(job, given, logicalDate);
                var run = Run.Create(job.Id, TriggerKind.Manual, JobSnapshot.Of(job), pipeline, now, logicalDate, inputs.Store(resolution.Values), inputsFrom: pipelineId, revision: RevisionOf(job));
                created.Add(run);
                if (!resolution.Errors.IsEmpty)
                {
                    unresolved.Add((run, $"Skipped: its parameters have no valid value ({resolution.Errors})."));
                }
            }

            db.Runs.AddRange(created);
            foreach (var (run, reason) in unresolved)
            {
                run.Skip(reason, now);
                changes.Changed(run);
            }

            await db.SaveChangesAsync(cancellationToken);
            db.RunRequests.AddRange(created.Select(r => new RunRequest { RunId = r.Id, Trigger = TriggerKind.Manual, PipelineId = pipeline, RequestedAt = now }));
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
            var createdIds = created.Select(r => r.Id).ToList();
            await waiting.DecideInAsync(db, r => createdIds.Contains(r.Id), null, changes, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        followUps.Dispatch(changes);
        return new RerunOutcome([.. created.Select(r => r.Id)], null);
    }

    /// <summary>
    /// Records each schedule fire among the requests as its job's last fire, inside the trigger's transaction and under
    /// the job's lock; returns the fires already recorded (another scheduler, a lease that just moved, got there first).
    /// </summary>
    private static async Task<HashSet<TriggerRequest>> RecordFiresAsync(
        EtlDbContext db, IReadOnlyList<TriggerRequest> requests, Dictionary<int, Job> jobs, CancellationToken cancellationToken)
    {
        var fires = requests.Where(r => r.FireAt is not null && jobs.ContainsKey(r.JobId)).ToList();
        var refused = new HashSet<TriggerRequest>(ReferenceEqualityComparer.Instance);
        if (fires.Count == 0)
        {
            return refused;
        }

        var ids = fires.Select(f => f.JobId).ToList();
        var states = await db.ScheduleStates.Where(s => ids.Contains(s.JobId)).ToDictionaryAsync(s => s.JobId, cancellationToken);
        foreach (var fire in fires)
        {
            var due = fire.FireAt!.Value;
            if (!states.TryGetValue(fire.JobId, out var state))
            {
                state = new ScheduleState { JobId = fire.JobId, Anchor = jobs[fire.JobId].UpdatedAt };
                db.ScheduleStates.Add(state);
                states[fire.JobId] = state;
            }
            else if (state.LastFireAt >= due)
            {
                refused.Add(fire);
                continue;
            }

            state.LastFireAt = due;
        }

        return refused;
    }

    /// <summary>The revision a new run records: none for a job older than revisions that was not edited since.</summary>
    private static int? RevisionOf(Job job) => job.Revision > 0 ? job.Revision : null;
}
