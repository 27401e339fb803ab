using System.Threading.Channels;
using EtlWeb.Core.Runs;
using EtlWeb.Data;
using EtlWeb.Realtime;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Features.Notifications;

/// <summary>
/// Hears every run that reaches a terminal status (with or without an attempt) and raises the one message it earns
/// (<see cref="AlertRules"/>). The broadcaster's callback only queues the run id, so the executor never waits.
/// </summary>
public sealed class NotificationDispatcher(
    RunBroadcaster broadcaster,
    IDbContextFactory<EtlDbContext> dbFactory,
    NotificationOutbox outbox,
    ILogger<NotificationDispatcher> logger) : BackgroundService
{
    private static readonly NotificationKind[] RunEndKinds =
        [NotificationKind.Success, NotificationKind.Failure, NotificationKind.Recovered, NotificationKind.Streak];

    private readonly Channel<long> _finished = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleReader = true });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = broadcaster.SubscribeRuns(change =>
        {
            if (change.Status.IsTerminal())
            {
                _finished.Writer.TryWrite(change.RunId);
            }
        });
        try
        {
            await foreach (var runId in _finished.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await PlanAsync(runId, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogError(ex, "Notifications for run {RunId} could not be planned", runId);
                }
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
            .Join(db.Jobs, r => r.JobId, j => j.Id, (r, j) => new { r.Id, r.JobId, r.Status, r.FinishedAt, Addressed = j.NotifyEmail != "" || j.NotifySlack })
            .FirstOrDefaultAsync(cancellationToken);
        if (run is not { Addressed: true, FinishedAt: { } finishedAt } || !run.Status.IsTerminal()
            || await db.Notifications.AnyAsync(n => n.RunId == runId && RunEndKinds.Contains(n.Kind), cancellationToken)
            || await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == run.JobId, cancellationToken) is not { } job)
        {
            return;
        }

        var needed = Math.Max(job.NotifyFailureStreak, 1) + 1;
        var earlier = await db.Runs.AsNoTracking()
            .Where(r => r.JobId == job.Id && r.Id != run.Id && r.FinishedAt != null && r.FinishedAt <= finishedAt && r.Status != RunStatus.Skipped)
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
