using System.Linq.Expressions;
using EtlWeb.Core.Jobs;
using EtlWeb.Core.Runs;
using EtlWeb.Data;
using EtlWeb.Security;
using EtlWeb.Settings;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Orchestration;

/// <summary>
/// Decides the waiting runs (<see cref="WaitingRunRules"/>): start, keep waiting with the reason, or end them. A run
/// that ends can decide others in turn (UpstreamFailed cascades), so a decision runs until nothing more changes. It
/// keeps one timer, for the earliest maximum-wait deadline. Part of the engine: <see cref="RunEngine"/> and
/// <see cref="PipelineCoordinator"/> call it, nothing else.
/// </summary>
public sealed class WaitingRuns : IDisposable
{
    /// <summary>How often a decision whose compare-and-set lost to another node is made again from fresh facts.</summary>
    private const int Attempts = 5;

    private readonly IDbContextFactory<EtlDbContext> _dbFactory;
    private readonly EngineLocks _locks;
    private readonly RunFollowUps _followUps;
    private readonly TimeProvider _time;
    private readonly SettingsStore _settings;
    private readonly ITimer _maxWaitTimer;
    private readonly IDisposable _settingsChanged;
    private readonly Lock _deadlineGate = new();
    private DateTimeOffset? _maxWaitDeadline;

    public WaitingRuns(IDbContextFactory<EtlDbContext> dbFactory, EngineLocks locks, RunFollowUps followUps, TimeProvider time, SettingsStore settings)
    {
        _dbFactory = dbFactory;
        _locks = locks;
        _followUps = followUps;
        _time = time;
        _settings = settings;

        // A timer and a subscription keep the context they were made in: what they start is the engine's, whoever
        // first asked for the engine.
        using (CurrentActor.AsSystem())
        {
            _maxWaitTimer = time.CreateTimer(_ => _ = DecideAllAsync(CancellationToken.None), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

            // A changed maximum wait moves the deadlines of the runs already waiting.
            _settingsChanged = settings.Subscribe(changed => _ = DecideAllAsync(CancellationToken.None));
        }
    }

    /// <summary>Decides every waiting run.</summary>
    public Task DecideAllAsync(CancellationToken cancellationToken) => DecideAsync(null, cancellationToken);

    /// <summary>
    /// Decides what a run of <paramref name="jobId"/> ending can decide: the waiting runs of the job itself (overlap)
    /// and of its direct downstream jobs; if one of them ends, every waiting run is decided.
    /// </summary>
    public async Task DecideAfterRunAsync(int jobId, CancellationToken cancellationToken)
    {
        List<int> jobs;
        await using (var db = await _dbFactory.CreateDbContextAsync(cancellationToken))
        {
            // Most runs end with nothing of theirs waiting: one indexed lookup, without a lock.
            var affected = db.Runs.Where(r => r.Status == RunStatus.Waiting
                && (r.JobId == jobId || db.Dependencies.Any(d => d.UpstreamJobId == jobId && d.DownstreamJobId == r.JobId)));
            if (!await affected.AnyAsync(cancellationToken))
            {
                return;
            }

            jobs = await db.Dependencies.Where(d => d.UpstreamJobId == jobId).Select(d => d.DownstreamJobId).ToListAsync(cancellationToken);
        }

        jobs.Add(jobId);
        await DecideAsync(r => jobs.Contains(r.JobId), cancellationToken);
    }

    /// <summary>
    /// Decides the waiting runs in <paramref name="scope"/> (all when null) in the caller's transaction, then, if one of
    /// them ended, all of them until nothing cascades. What started and what changed is added to <paramref name="changes"/>.
    /// </summary>
    internal async Task DecideInAsync(EtlDbContext db, Expression<Func<Run, bool>>? scope, IReadOnlyList<JobDependency>? dependencies, EngineChanges changes, CancellationToken cancellationToken)
    {
        if (scope is null || await DecideOnceAsync(db, scope, dependencies, changes, cancellationToken))
        {
            do
            {
                db.ChangeTracker.Clear();
            }
            while (await DecideOnceAsync(db, null, null, changes, cancellationToken));
        }
    }

    private async Task DecideAsync(Expression<Func<Run, bool>>? scope, CancellationToken cancellationToken)
    {
        await using (var db = await _dbFactory.CreateDbContextAsync(cancellationToken))
        {
            // Most calls (a run ended) find nothing waiting: answer from one indexed lookup, without a lock.
            var waiting = db.Runs.Where(r => r.Status == RunStatus.Waiting);
            if (!await (scope is null ? waiting : waiting.Where(scope)).AnyAsync(cancellationToken))
            {
                return;
            }
        }

        for (var attempt = 1; ; attempt++)
        {
            var changes = new EngineChanges();
            try
            {
                using (await _locks.EnterAsync(cancellationToken))
                {
                    await using var db = await _dbFactory.CreateDbContextAsync(cancellationToken);
                    await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                    await DecideInAsync(db, scope, null, changes, cancellationToken);
                    await transaction.CommitAsync(cancellationToken);
                }

                _followUps.Dispatch(changes);
                return;
            }
            catch (DbUpdateConcurrencyException) when (attempt < Attempts)
            {
                // Another node changed one of these runs between reading and writing (PostgreSQL): decide again from fresh facts.
            }
        }
    }

    /// <summary>Decides the waiting runs once. Returns whether a run ended, which can decide other runs in turn.</summary>
    private async Task<bool> DecideOnceAsync(
        EtlDbContext db, Expression<Func<Run, bool>>? scope, IReadOnlyList<JobDependency>? dependencies, EngineChanges changes, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var maxWait = TimeSpan.FromMinutes(_settings.Current.Scheduler.MaxUpstreamWaitMinutes);
        var query = db.Runs.AsNoTracking().Where(r => r.Status == RunStatus.Waiting);
        if (scope is not null)
        {
            query = query.Where(scope);
        }

        // Only the columns a decision reads; the runs are attached so that just what changes is written back, on the
        // condition that each is still Waiting (the status is a concurrency token).
        var rows = await query.OrderBy(r => r.Id)
            .Select(r => new { r.Id, r.JobId, r.Trigger, r.PipelineId, r.QueuedAt, r.Reason, r.BackfillId, r.ParentRunId, r.LogicalDate }).ToListAsync(cancellationToken);
        var waiting = rows.Select(r => Run.AsWaiting(r.Id, r.JobId, r.Trigger, r.PipelineId, r.QueuedAt, r.Reason, r.BackfillId, r.ParentRunId, r.LogicalDate)).ToList();
        if (waiting.Count == 0)
        {
            ArmMaxWait(null, scope is null, now);
            return false;
        }

        // Each job's overlap and fan-in decision is made by one transaction at a time; what it reads is read after the lock.
        await EngineLocks.LockDecidingJobsAsync(db, waiting.Select(r => r.JobId), [], cancellationToken);
        db.Runs.AttachRange(waiting);
        var context = await EvaluationContext.LoadAsync(db, waiting, dependencies, cancellationToken);
        var cascade = false;
        DateTimeOffset? nextDeadline = null;

        // The items of a for-each run wait only for a place among their run's items: its upstream jobs were decided for it.
        var items = waiting.Where(r => r.ParentRunId is not null && context.JobOf(r.JobId) is { Enabled: true }).ToList();
        if (items.Count > 0)
        {
            await ForEachRuns.DecideItemsAsync(db, items, context.JobOf, now, changes, cancellationToken);
        }

        foreach (var run in waiting.Except(items))
        {
            var decision = WaitingRunRules.Decide(context.FactsOf(run), now, maxWait);
            switch (decision.Kind)
            {
                case DecisionKind.Start when run.ParentRunId is null && context.JobOf(run.JobId) is { IsForEach: true } forEach:
                    cascade |= await ForEachRuns.FanOutAsync(db, run, forEach, _settings.Current.Execution.MaxForEachItems, now, changes, cancellationToken);
                    break;
                case DecisionKind.Start when run.Queue(NewMarker(), now) is { } attempt:
                    changes.Started(run, attempt);
                    break;
                case DecisionKind.Skip when run.Skip(decision.Reason, now):
                case DecisionKind.UpstreamFailed when run.FailUpstream(decision.Reason, now):
                    changes.Changed(run);
                    cascade = true;
                    break;
                case DecisionKind.Wait:
                    // A run just made, or one whose reason changed, is news to the pages; the same reason again is not.
                    if (run.Reason != decision.Reason && run.KeepWaiting(decision.Reason))
                    {
                        changes.Changed(run);
                    }

                    if (decision.Deadline is { } deadline && (nextDeadline is null || deadline < nextDeadline))
                    {
                        nextDeadline = deadline;
                    }

                    break;
            }
        }

        await db.SaveChangesAsync(cancellationToken);

        // An item that ended here (cancelled with its run, skipped with its disabled job) may have been its run's last.
        var parents = waiting.Where(r => r.ParentRunId is not null && r.Status.IsTerminal()).Select(r => r.ParentRunId!.Value).Distinct().ToList();
        if (parents.Count > 0)
        {
            foreach (var parent in await ForEachRuns.EndDoneAsync(db, parents, now, cancellationToken))
            {
                changes.Changed(parent);
                cascade = true;
            }

            await db.SaveChangesAsync(cancellationToken);
        }

        ArmMaxWait(nextDeadline, scope is null, now);
        return cascade;
    }

    internal static string NewMarker() => Guid.NewGuid().ToString("N");

    /// <summary>
    /// Arms the timer for the earliest max-wait deadline. A full decision knows every deadline and sets it; one that saw
    /// only some runs may only bring it forward.
    /// </summary>
    private void ArmMaxWait(DateTimeOffset? deadline, bool full, DateTimeOffset now)
    {
        lock (_deadlineGate)
        {
            if (!full && (deadline is null || (_maxWaitDeadline is { } armed && armed <= deadline)))
            {
                return;
            }

            _maxWaitDeadline = deadline;
            _maxWaitTimer.Change(deadline is { } due ? Max(due - now, TimeSpan.Zero) : Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    public void Dispose()
    {
        _settingsChanged.Dispose();
        _maxWaitTimer.Dispose();
    }
}
