using System.Collections.Concurrent;
using System.Threading.Channels;
using EtlWeb.Core.Runs;
using EtlWeb.Data;
using EtlWeb.Orchestration;
using EtlWeb.Realtime;
using EtlWeb.Security;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Features.Notifications;

/// <summary>
/// Hears every run that reaches a terminal status (with or without an attempt) and raises the one message it earns
/// (<see cref="AlertRules"/>). The broadcaster's callback only queues the run id, so the executor never waits.
/// With several nodes the scheduler lease's holder alone plans them: it hears every node's runs through the cluster bus.
/// </summary>
public sealed class NotificationDispatcher(
    RunBroadcaster broadcaster,
    JobChangeFeed jobChanges,
    IDbContextFactory<EtlDbContext> dbFactory,
    NotificationOutbox outbox,
    SchedulerLease lease,
    ILogger<NotificationDispatcher> logger) : BackgroundService
{
    private static readonly NotificationKind[] RunEndKinds =
        [NotificationKind.Success, NotificationKind.Failure, NotificationKind.Recovered, NotificationKind.Streak];

    private readonly Channel<RunChanged> _finished = Channel.CreateUnbounded<RunChanged>(new UnboundedChannelOptions { SingleReader = true });

    // Whether each job names a recipient, learnt from the first run of it that ends and forgotten when the job
    // changes: a burst of runs of jobs that notify nobody (a fan-out of 100) then costs no query at all.
    private readonly ConcurrentDictionary<int, bool> _addressed = new();

    private long _lastHandledRunId;

    /// <summary>
    /// The run whose end was handled last (its message raised, when it earned one). Ends are handled in the order they
    /// were heard, so every run that ended before it has been handled too.
    /// </summary>
    public long LastHandledRunId => Interlocked.Read(ref _lastHandledRunId);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // EtlWeb's engine at work: it acts as itself, explicitly, and whatever it starts from here keeps that.
        using var system = CurrentActor.AsSystem();
        using var subscription = broadcaster.SubscribeRuns(change =>
        {
            if (change.Status.IsTerminal() && lease.Held)
            {
                _finished.Writer.TryWrite(change);
            }
        });
        using var edits = jobChanges.Subscribe(jobId => _addressed.TryRemove(jobId, out _));
        try
        {
            await foreach (var change in _finished.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    if (!_addressed.TryGetValue(change.JobId, out var addressed) || addressed)
                    {
                        await PlanAsync(change.RunId, stoppingToken);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogError(ex, "Notifications for run {RunId} could not be planned", change.RunId);
                }

                Interlocked.Exchange(ref _lastHandledRunId, change.RunId);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task PlanAsync(long runId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);

        // Most jobs name no recipient: one light query settles them, as this runs for every finished run.
        var run = await db.Runs.AsNoTracking().Where(r => r.Id == runId)
            .Join(db.Jobs, r => r.JobId, j => j.Id, (r, j) => new { r.Id, r.JobId, r.Status, r.FinishedAt, r.ParentRunId, Addressed = j.NotifyEmail != "" || j.NotifySlack })
            .FirstOrDefaultAsync(cancellationToken);
        if (run is not null)
        {
            _addressed[run.JobId] = run.Addressed;
        }

        // An item of a for-each run says nothing on its own: the for-each run's end speaks for all its items.
        if (run is not { Addressed: true, FinishedAt: { } finishedAt, ParentRunId: null } || !run.Status.IsTerminal()
            || await db.Notifications.AnyAsync(n => n.RunId == runId && RunEndKinds.Contains(n.Kind), cancellationToken)
            || await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == run.JobId, cancellationToken) is not { } job)
        {
            return;
        }

        var needed = Math.Max(job.NotifyFailureStreak, 1) + 1;
        var earlier = await db.Runs.AsNoTracking()
            .Where(r => r.JobId == job.Id && r.Id != run.Id && r.FinishedAt != null && r.FinishedAt <= finishedAt && r.Status != RunStatus.Skipped && r.ParentRunId == null)
            .OrderByDescending(r => r.FinishedAt).ThenByDescending(r => r.Id)
            .Select(r => r.Status)
            .Take(needed)
            .ToListAsync(cancellationToken);
        if (AlertRules.ForFinishedRun(job, run.Status, earlier) is { } alert)
        {
            await outbox.RaiseAsync(job, run.Id, alert, null, cancellationToken);
        }
    }
}
