using EtlWeb.Configuration;
using EtlWeb.Core.Jobs;
using EtlWeb.Core.Runs;
using EtlWeb.Data;
using EtlWeb.Realtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EtlWeb.Orchestration;

/// <summary>A request to start a job: alone, or with its Manual downstream jobs as one pipeline run.</summary>
public sealed record TriggerRequest(int JobId, TriggerKind Trigger, bool WithDownstream = true);

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
    private readonly TimeSpan _maxWait;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ITimer _maxWaitTimer;

    public PipelineCoordinator(IDbContextFactory<EtlDbContext> dbFactory, RunQueue queue, RunBroadcaster broadcaster, TimeProvider time, IOptions<SchedulerOptions> options)
    {
        _dbFactory = dbFactory;
        _queue = queue;
        _broadcaster = broadcaster;
        _time = time;
        _maxWait = TimeSpan.FromMinutes(options.Value.MaxUpstreamWaitMinutes);
        _maxWaitTimer = time.CreateTimer(_ => _ = EvaluateAsync(CancellationToken.None), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Creates (or joins) the runs of each request's pipeline and starts what is ready; returns each request's own run.</summary>
    public async Task<IReadOnlyList<Run?>> TriggerAsync(IReadOnlyList<TriggerRequest> requests, CancellationToken cancellationToken)
    {
        var results = new List<Run?>();
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var now = _time.GetUtcNow();
            await using var db = await _dbFactory.CreateDbContextAsync(cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var jobs = await db.Jobs.AsNoTracking().ToDictionaryAsync(j => j.Id, cancellationToken);
            var downstreamOf = (await db.Dependencies.AsNoTracking().ToListAsync(cancellationToken)).ToLookup(d => d.UpstreamJobId, d => d.DownstreamJobId);
            var pending = (await db.Runs.Where(r => r.Status == RunStatus.Queued || r.Status == RunStatus.Waiting).ToListAsync(cancellationToken))
                .GroupBy(r => r.JobId).ToDictionary(g => g.Key, g => g.MaxBy(r => r.Id)!);
            var joined = new List<(Run Run, TriggerKind Trigger, Guid Pipeline)>();
            foreach (var request in requests)
            {
                if (!jobs.ContainsKey(request.JobId))
                {
                    results.Add(null);
                    continue;
                }

                var pipeline = Guid.NewGuid();
                foreach (var member in PipelinePlanner.Expand(request.JobId, jobs, downstreamOf, request.WithDownstream))
                {
                    var job = jobs[member];
                    var trigger = member == request.JobId ? request.Trigger : TriggerKind.Upstream;
                    if (job.OverlapPolicy == OverlapPolicy.Allow || !pending.TryGetValue(member, out var run))
                    {
                        run = new Run
                        {
                            JobId = member,
                            Trigger = trigger,
                            Status = RunStatus.Waiting,
                            DefinitionSnapshot = RunLedger.Snapshot(job),
                            PipelineId = pipeline,
                            QueuedAt = now,
                        };
                        db.Runs.Add(run);
                        if (job.OverlapPolicy != OverlapPolicy.Allow)
                        {
                            pending[member] = run;
                        }
                    }

                    joined.Add((run, trigger, pipeline));
                    if (member == request.JobId)
                    {
                        results.Add(run);
                    }
                }
            }

            await db.SaveChangesAsync(cancellationToken);
            db.RunRequests.AddRange(joined.Select(j => new RunRequest { RunId = j.Run.Id, Trigger = j.Trigger, PipelineId = j.Pipeline, RequestedAt = now }));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }

        await EvaluateAsync(cancellationToken);
        return results;
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

    /// <summary>Re-runs the part of a pipeline run that did not succeed; the succeeded part is not run again.</summary>
    public async Task<IReadOnlyList<long>> RerunFailedAsync(Guid pipelineId, CancellationToken cancellationToken)
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
        return [.. created.Select(r => r.Id)];
    }

    /// <summary>Decides every waiting run: start it, keep it waiting (with the reason), or end it.</summary>
    public async Task EvaluateAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            bool cascade;
            do
            {
                cascade = await EvaluateOnceAsync(cancellationToken);
            }
            while (cascade);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<bool> EvaluateOnceAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        await using var db = await _dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var waiting = await db.Runs.Where(r => r.Status == RunStatus.Waiting).OrderBy(r => r.Id).ToListAsync(cancellationToken);
        if (waiting.Count == 0)
        {
            _maxWaitTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return false;
        }

        var context = await EvaluationContext.LoadAsync(db, waiting, cancellationToken);
        var started = new List<(Run Run, Attempt Attempt)>();
        var changed = new List<Run>();
        var cascade = false;
        DateTimeOffset? nextDeadline = null;
        foreach (var run in waiting)
        {
            var readiness = ReadinessRules.Evaluate(context.UpstreamsOf(run));
            switch (readiness.Kind)
            {
                case ReadinessKind.UpstreamFailed:
                    End(run, RunStatus.UpstreamFailed, readiness.Reason, now);
                    changed.Add(run);
                    cascade = true;
                    break;
                case ReadinessKind.Wait when readiness.OutsideUnsatisfied && now - run.QueuedAt >= _maxWait:
                    End(run, RunStatus.Skipped, $"Skipped after waiting {_maxWait.TotalHours:0.##} h, still {readiness.Reason}", now);
                    changed.Add(run);
                    cascade = true;
                    break;
                case ReadinessKind.Wait:
                    run.Reason = readiness.Reason;
                    if (readiness.OutsideUnsatisfied && (nextDeadline is null || run.QueuedAt + _maxWait < nextDeadline))
                    {
                        nextDeadline = run.QueuedAt + _maxWait;
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
        await transaction.CommitAsync(cancellationToken);
        foreach (var (_, attempt) in started)
        {
            _queue.Enqueue(attempt.Id);
        }

        foreach (var run in changed)
        {
            _broadcaster.Publish(new RunChanged(run.Id, run.JobId, run.Status, run.Attempts.FirstOrDefault()?.Id, run.Attempts.Count));
        }

        _maxWaitTimer.Change(nextDeadline is { } deadline ? Max(deadline - now, TimeSpan.Zero) : Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        return cascade;
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
        _maxWaitTimer.Dispose();
        _gate.Dispose();
    }
}
