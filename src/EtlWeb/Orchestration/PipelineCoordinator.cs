using System.Linq.Expressions;
using EtlWeb.Core.Jobs;
using EtlWeb.Core.Runs;
using EtlWeb.Core.Scheduling;
using EtlWeb.Data;
using EtlWeb.Realtime;
using EtlWeb.Security;
using EtlWeb.Settings;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Orchestration;

/// <summary>The runs a re-run created, or why it created none (a job to re-run is disabled).</summary>
public sealed record RerunOutcome(IReadOnlyList<long> RunIds, string? Refusal);

/// <summary>A request to start a job: alone, or with its Manual downstream jobs as one pipeline run.</summary>
/// <param name="Variables">Environment variables for the job's own run only (a webhook's input), not for its downstream runs.</param>
/// <param name="FireAt">For a schedule's fire, its due time: the fire is recorded in the same transaction and refused when
/// it was recorded already, so each due time makes one run even if two schedulers tried (a lease that just moved).</param>
public sealed record TriggerRequest(
    int JobId, TriggerKind Trigger, bool WithDownstream = true, IReadOnlyDictionary<string, string>? Variables = null, DateTimeOffset? FireAt = null);

/// <summary>
/// Turns triggers into runs and decides when waiting runs start (DESIGN.md section 4): pipeline expansion,
/// one pending run per job (later triggers join it), fan-in all-success readiness, UpstreamFailed propagation,
/// the maximum wait for an upstream outside the pipeline, and the overlap policy at the moment a run would start.
/// Every decision runs under one lock, so two evaluations never promote the same run.
/// </summary>
public sealed class PipelineCoordinator : IDisposable
{
    private readonly IDbContextFactory<EtlDbContext> _dbFactory;
    private readonly RunQueue _queue;
    private readonly RunBroadcaster _broadcaster;
    private readonly TimeProvider _time;
    private readonly SettingsStore _settings;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ITimer _maxWaitTimer;
    private readonly IDisposable _settingsChanged;
    private DateTimeOffset? _maxWaitDeadline;

    public PipelineCoordinator(IDbContextFactory<EtlDbContext> dbFactory, RunQueue queue, RunBroadcaster broadcaster, TimeProvider time, SettingsStore settings)
    {
        _dbFactory = dbFactory;
        _queue = queue;
        _broadcaster = broadcaster;
        _time = time;
        _settings = settings;
        // A timer and a subscription keep the context they were made in: what they start is the engine's, whoever
        // first asked for the coordinator.
        using (CurrentActor.AsSystem())
        {
            _maxWaitTimer = time.CreateTimer(_ => _ = EvaluateAsync(CancellationToken.None), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

            // A changed maximum wait moves the deadlines of the runs already waiting.
            _settingsChanged = settings.Subscribe(changed => _ = EvaluateAsync(CancellationToken.None));
        }
    }

    /// <summary>
    /// Records each schedule fire among the requests as its job's last fire, inside the trigger's transaction (which the
    /// database serialises across nodes); returns the fires another scheduler recorded first.
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

    /// <summary>Creates (or joins) the runs of each request's pipeline and starts what is ready; returns each request's own run.</summary>
    public async Task<IReadOnlyList<Run?>> TriggerAsync(IReadOnlyList<TriggerRequest> requests, CancellationToken cancellationToken)
    {
        var rootRunIds = new List<long?>();
        var started = new List<Attempt>();
        var changed = new List<Run>();
        Dictionary<long, Run> runs;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var now = _time.GetUtcNow();
            await using var db = await _dbFactory.CreateDbContextAsync(cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var dependencies = await db.Dependencies.AsNoTracking().ToListAsync(cancellationToken);
            var downstreamOf = dependencies.ToLookup(d => d.UpstreamJobId, d => d.DownstreamJobId);
            var reachable = Reachable(requests.Select(r => r.JobId), downstreamOf);
            var jobs = await db.Jobs.AsNoTracking().Where(j => reachable.Contains(j.Id)).ToDictionaryAsync(j => j.Id, cancellationToken);
            var firedAlready = await RecordFiresAsync(db, requests, jobs, cancellationToken);

            // Only the newest pending run of each job can be joined; nothing else of the queue is read.
            var pending = await db.Runs.Where(r => reachable.Contains(r.JobId) && (r.Status == RunStatus.Queued || r.Status == RunStatus.Waiting))
                .GroupBy(r => r.JobId).Select(g => new { JobId = g.Key, RunId = g.Max(r => r.Id) })
                .ToDictionaryAsync(p => p.JobId, p => (long?)p.RunId, cancellationToken);
            var created = new Dictionary<int, Run>();
            var fresh = new List<Run>();
            var joined = new List<(Func<long> RunId, TriggerKind Trigger, Guid Pipeline)>();
            var roots = new List<Func<long>?>();
            foreach (var request in requests)
            {
                if (!jobs.ContainsKey(request.JobId) || firedAlready.Contains(request))
                {
                    roots.Add(null);
                    continue;
                }

                var pipeline = Guid.NewGuid();
                foreach (var member in PipelinePlanner.Expand(request.JobId, jobs, downstreamOf, request.WithDownstream))
                {
                    var job = jobs[member];
                    var trigger = member == request.JobId ? request.Trigger : TriggerKind.Upstream;
                    var input = member == request.JobId ? request.Variables : null;

                    // A run with input of its own never joins a pending run, whose process would not see that input.
                    var joinable = job.OverlapPolicy != OverlapPolicy.Allow && input is not { Count: > 0 };
                    Func<long> runId;
                    if (joinable && pending.TryGetValue(member, out var existing) && existing is { } id)
                    {
                        runId = () => id;
                    }
                    else if (joinable && created.TryGetValue(member, out var same))
                    {
                        runId = () => same.Id;
                    }
                    else
                    {
                        var run = new Run
                        {
                            JobId = member,
                            Trigger = trigger,
                            Status = RunStatus.Waiting,
                            DefinitionSnapshot = RunLedger.Snapshot(job, input),
                            PipelineId = pipeline,
                            QueuedAt = now,
                        };
                        db.Runs.Add(run);
                        created[member] = run;
                        fresh.Add(run);
                        runId = () => run.Id;
                    }

                    joined.Add((runId, trigger, pipeline));
                    if (member == request.JobId)
                    {
                        roots.Add(runId);
                    }
                }
            }

            await db.SaveChangesAsync(cancellationToken);
            db.RunRequests.AddRange(joined.Select(j => new RunRequest { RunId = j.RunId(), Trigger = j.Trigger, PipelineId = j.Pipeline, RequestedAt = now }));
            await db.SaveChangesAsync(cancellationToken);
            rootRunIds.AddRange(roots.Select(r => r?.Invoke()));

            // The new runs are decided in the same transaction: a run that is ready is Queued when the trigger returns.
            // Starting them changes nothing for the runs already waiting; ending one (overlap Skip) may, so then all are decided.
            db.ChangeTracker.Clear();
            var freshIds = fresh.Select(r => r.Id).ToList();
            if (await EvaluateOnceAsync(db, r => freshIds.Contains(r.Id), dependencies, started, changed, cancellationToken))
            {
                await EvaluateAllAsync(db, started, changed, cancellationToken);
            }

            var ids = rootRunIds.OfType<long>().ToList();
            runs = await db.Runs.AsNoTracking().Where(r => ids.Contains(r.Id)).ToDictionaryAsync(r => r.Id, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }

        Dispatch(started, changed);
        return [.. rootRunIds.Select(id => id is { } value ? runs.GetValueOrDefault(value) : null)];
    }

    /// <summary>The jobs a pipeline expansion may touch: the roots and everything downstream of them.</summary>
    private static HashSet<int> Reachable(IEnumerable<int> roots, ILookup<int, int> downstreamOf)
    {
        var seen = new HashSet<int>(roots);
        var queue = new Queue<int>(seen);
        while (queue.Count > 0)
        {
            foreach (var next in downstreamOf[queue.Dequeue()])
            {
                if (seen.Add(next))
                {
                    queue.Enqueue(next);
                }
            }
        }

        return seen;
    }

    /// <summary>Records a due time that was not run (skipped by an operator) as a Skipped run with its reason.</summary>
    public async Task RecordSkippedAsync(int jobId, TriggerKind trigger, string reason, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        await using var db = await _dbFactory.CreateDbContextAsync(cancellationToken);
        var job = await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId, cancellationToken);
        if (job is null)
        {
            return;
        }

        var run = new Run
        {
            JobId = jobId,
            Trigger = trigger,
            Status = RunStatus.Skipped,
            Reason = reason,
            DefinitionSnapshot = RunLedger.Snapshot(job),
            PipelineId = Guid.NewGuid(),
            QueuedAt = now,
            FinishedAt = now,
        };
        db.Runs.Add(run);
        await db.SaveChangesAsync(cancellationToken);
        _broadcaster.Publish(new RunChanged(run.Id, jobId, RunStatus.Skipped, null, 0));
    }

    /// <summary>
    /// Re-runs the part of a pipeline run that did not succeed; the succeeded part is not run again. Refused, with
    /// nothing created, when a job to re-run is disabled.
    /// </summary>
    public async Task<RerunOutcome> RerunFailedAsync(Guid pipelineId, CancellationToken cancellationToken)
    {
        var created = new List<Run>();
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var now = _time.GetUtcNow();
            await using var db = await _dbFactory.CreateDbContextAsync(cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var members = await db.RunRequests.Where(q => q.PipelineId == pipelineId)
                .Join(db.Runs, q => q.RunId, r => r.Id, (q, r) => r).ToListAsync(cancellationToken);
            var failedJobs = members.GroupBy(r => r.JobId).Select(g => g.MaxBy(r => r.Id)!)
                .Where(r => r.Status.IsTerminal() && r.Status != RunStatus.Succeeded).Select(r => r.JobId).ToHashSet();
            var jobs = await db.Jobs.AsNoTracking().Where(j => failedJobs.Contains(j.Id)).ToListAsync(cancellationToken);
            if (jobs.Where(j => !j.Enabled).Select(j => $"'{j.Name}'").ToList() is { Count: > 0 } disabled)
            {
                return new RerunOutcome([], $"Job {string.Join(", ", disabled)} {(disabled.Count == 1 ? "is" : "are")} disabled; enable {(disabled.Count == 1 ? "it" : "them")} to re-run.");
            }

            var pipeline = Guid.NewGuid();
            foreach (var job in jobs)
            {
                var run = new Run
                {
                    JobId = job.Id,
                    Trigger = TriggerKind.Manual,
                    Status = RunStatus.Waiting,
                    DefinitionSnapshot = RunLedger.Snapshot(job),
                    PipelineId = pipeline,
                    QueuedAt = now,
                };
                db.Runs.Add(run);
                created.Add(run);
            }

            await db.SaveChangesAsync(cancellationToken);
            db.RunRequests.AddRange(created.Select(r => new RunRequest { RunId = r.Id, Trigger = TriggerKind.Manual, PipelineId = pipeline, RequestedAt = now }));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }

        await EvaluateAsync(cancellationToken);
        return new RerunOutcome([.. created.Select(r => r.Id)], null);
    }

    /// <summary>Decides every waiting run: start it, keep it waiting (with the reason), or end it.</summary>
    public Task EvaluateAsync(CancellationToken cancellationToken) => EvaluateAsync(null, cancellationToken);

    /// <summary>
    /// Decides what a run of <paramref name="jobId"/> ending can decide: the waiting runs of the job itself (overlap)
    /// and of its direct downstream jobs; if one of them ends, every waiting run is decided.
    /// </summary>
    public async Task EvaluateAfterRunAsync(int jobId, CancellationToken cancellationToken)
    {
        List<int> jobs;
        await using (var db = await _dbFactory.CreateDbContextAsync(cancellationToken))
        {
            // Most runs end with nothing of theirs waiting: one indexed lookup, without the lock.
            var affected = db.Runs.Where(r => r.Status == RunStatus.Waiting
                && (r.JobId == jobId || db.Dependencies.Any(d => d.UpstreamJobId == jobId && d.DownstreamJobId == r.JobId)));
            if (!await affected.AnyAsync(cancellationToken))
            {
                return;
            }

            jobs = await db.Dependencies.Where(d => d.UpstreamJobId == jobId).Select(d => d.DownstreamJobId).ToListAsync(cancellationToken);
        }

        jobs.Add(jobId);
        await EvaluateAsync(r => jobs.Contains(r.JobId), cancellationToken);
    }

    private async Task EvaluateAsync(Expression<Func<Run, bool>>? scope, CancellationToken cancellationToken)
    {
        await using (var db = await _dbFactory.CreateDbContextAsync(cancellationToken))
        {
            // Most calls (a run ended) find nothing waiting: answer from one indexed lookup, without the lock.
            var waiting = db.Runs.Where(r => r.Status == RunStatus.Waiting);
            if (!await (scope is null ? waiting : waiting.Where(scope)).AnyAsync(cancellationToken))
            {
                return;
            }
        }

        var started = new List<Attempt>();
        var changed = new List<Run>();
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var db = await _dbFactory.CreateDbContextAsync(cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            db.ChangeTracker.Clear();
            if (scope is null || await EvaluateOnceAsync(db, scope, null, started, changed, cancellationToken))
            {
                await EvaluateAllAsync(db, started, changed, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }

        Dispatch(started, changed);
    }

    /// <summary>Evaluates until nothing cascades: an ended run can end the runs below it. Runs under the lock, in the caller's transaction.</summary>
    private async Task EvaluateAllAsync(EtlDbContext db, List<Attempt> started, List<Run> changed, CancellationToken cancellationToken)
    {
        do
        {
            db.ChangeTracker.Clear();
        }
        while (await EvaluateOnceAsync(db, null, null, started, changed, cancellationToken));
    }

    /// <summary>Hands the started attempts to Hangfire and tells the UI; never under the lock, as Hangfire's enqueue is a slow write.</summary>
    private void Dispatch(List<Attempt> started, List<Run> changed)
    {
        // A duplicate delivery is refused by the claim.
        foreach (var attempt in started)
        {
            _queue.Enqueue(attempt.Id);
        }

        foreach (var run in changed)
        {
            _broadcaster.Publish(new RunChanged(run.Id, run.JobId, run.Status, run.Attempts.FirstOrDefault()?.Id, run.Attempts.Count));
        }
    }

    /// <summary>
    /// Decides the waiting runs once: all of them, or those in <paramref name="scope"/> (the runs a trigger
    /// created, the runs a finished run can unblock). Returns whether a run ended, which can decide other runs in turn.
    /// </summary>
    private async Task<bool> EvaluateOnceAsync(
        EtlDbContext db,
        Expression<Func<Run, bool>>? scope,
        IReadOnlyList<JobDependency>? dependencies,
        List<Attempt> startedAttempts,
        List<Run> changedRuns,
        CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var maxWait = TimeSpan.FromMinutes(_settings.Current.Scheduler.MaxUpstreamWaitMinutes);
        var query = db.Runs.AsNoTracking().Where(r => r.Status == RunStatus.Waiting);
        if (scope is not null)
        {
            query = query.Where(scope);
        }

        // Only the columns a decision reads; the runs are attached so that just what changes is written back.
        var waiting = (await query.OrderBy(r => r.Id)
                .Select(r => new { r.Id, r.JobId, r.Trigger, r.PipelineId, r.QueuedAt, r.Reason }).ToListAsync(cancellationToken))
            .Select(r => new Run { Id = r.Id, JobId = r.JobId, Trigger = r.Trigger, PipelineId = r.PipelineId, QueuedAt = r.QueuedAt, Reason = r.Reason, Status = RunStatus.Waiting })
            .ToList();
        db.Runs.AttachRange(waiting);
        if (waiting.Count == 0)
        {
            ArmMaxWait(null, scope is null, now);
            return false;
        }

        var context = await EvaluationContext.LoadAsync(db, waiting, dependencies, cancellationToken);
        var started = new List<(Run Run, Attempt Attempt)>();
        var changed = new List<Run>();
        var cascade = false;
        DateTimeOffset? nextDeadline = null;
        foreach (var run in waiting)
        {
            if (context.DisabledJobName(run.JobId) is { } disabledJob)
            {
                // Disabled after this run was asked for (a schedule's fire racing the disable, a pending run): it never starts.
                End(run, RunStatus.Skipped, $"Skipped: job '{disabledJob}' is disabled.", now);
                changed.Add(run);
                cascade = true;
                continue;
            }

            var readiness = ReadinessRules.Evaluate(context.UpstreamsOf(run));
            switch (readiness.Kind)
            {
                case ReadinessKind.UpstreamFailed:
                    End(run, RunStatus.UpstreamFailed, readiness.Reason, now);
                    changed.Add(run);
                    cascade = true;
                    break;
                case ReadinessKind.Wait when readiness.OutsideUnsatisfied && now - run.QueuedAt >= maxWait:
                    End(run, RunStatus.Skipped, $"Skipped after waiting {maxWait.TotalHours:0.##} h, still {readiness.Reason}", now);
                    changed.Add(run);
                    cascade = true;
                    break;
                case ReadinessKind.Wait:
                    run.Reason = readiness.Reason;
                    if (readiness.OutsideUnsatisfied && (nextDeadline is null || run.QueuedAt + maxWait < nextDeadline))
                    {
                        nextDeadline = run.QueuedAt + maxWait;
                    }

                    break;
                default:
                    var decision = context.Overlap(run);
                    if (decision.Start)
                    {
                        var attempt = new Attempt { Number = 1, Status = RunStatus.Queued, Marker = Guid.NewGuid().ToString("N") };
                        run.Status = RunStatus.Queued;
                        run.Reason = null;
                        run.Attempts.Add(attempt);
                        started.Add((run, attempt));
                        changed.Add(run);
                    }
                    else if (decision.Skip)
                    {
                        End(run, RunStatus.Skipped, decision.Reason, now);
                        changed.Add(run);
                        cascade = true;
                    }
                    else
                    {
                        run.Reason = decision.Reason;
                    }

                    break;
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        startedAttempts.AddRange(started.Select(s => s.Attempt));
        changedRuns.AddRange(changed);

        ArmMaxWait(nextDeadline, scope is null, now);
        return cascade;
    }

    /// <summary>
    /// Arms the timer for the earliest max-wait deadline. A full evaluation knows every deadline and sets it;
    /// one that saw only some runs may only bring it forward.
    /// </summary>
    private void ArmMaxWait(DateTimeOffset? deadline, bool full, DateTimeOffset now)
    {
        if (!full && (deadline is null || (_maxWaitDeadline is { } armed && armed <= deadline)))
        {
            return;
        }

        _maxWaitDeadline = deadline;
        _maxWaitTimer.Change(deadline is { } due ? Max(due - now, TimeSpan.Zero) : Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static void End(Run run, RunStatus status, string reason, DateTimeOffset now)
    {
        run.Status = status;
        run.Reason = reason;
        run.FinishedAt = now;
    }

    public void Dispose()
    {
        _settingsChanged.Dispose();
        _maxWaitTimer.Dispose();
        _gate.Dispose();
    }
}
