using EtlWeb.Core.Runs;
using EtlWeb.Data;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Orchestration;

/// <summary>
/// Hands an attempt to Hangfire again when it has stayed Queued well past its due time: its Hangfire job was
/// lost or failed before the claim (an exception, a storage error). A duplicate delivery is refused by the
/// claim, so this can only help. One indexed query every ten seconds.
/// </summary>
public sealed class QueueWatchdog(IDbContextFactory<EtlDbContext> dbFactory, RunQueue queue, TimeProvider time, ILogger<QueueWatchdog> logger) : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Overdue = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(Period, time, stoppingToken);
            try
            {
                await RequeueOverdueAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Looking for overdue queued attempts failed; it is tried again in {Period}", Period);
            }
        }
    }

    public async Task<int> RequeueOverdueAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - Overdue;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var overdue = await db.Attempts.Where(a => a.Status == RunStatus.Queued)
            .Join(db.Runs, a => a.RunId, r => r.Id, (a, r) => new { a.Id, a.RunId, Due = a.NotBefore ?? r.QueuedAt, r.Status })
            .Where(x => (x.Status == RunStatus.Queued || x.Status == RunStatus.Running) && x.Due < cutoff)
            .Select(x => new { x.Id, x.RunId })
            .ToListAsync(cancellationToken);
        foreach (var attempt in overdue)
        {
            logger.LogWarning("Attempt {AttemptId} of run {RunId} was still queued long after its due time; handing it to the queue again", attempt.Id, attempt.RunId);
            queue.Enqueue(attempt.Id);
        }

        return overdue.Count;
    }
}
