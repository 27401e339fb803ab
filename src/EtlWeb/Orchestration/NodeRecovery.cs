using EtlWeb.Core.Execution;
using EtlWeb.Core.Runs;
using EtlWeb.Data;
using EtlWeb.Realtime;
using Microsoft.EntityFrameworkCore;
using EtlWeb.Features.Settings;

namespace EtlWeb.Orchestration;

/// <summary>
/// On start, before Hangfire's workers take work: attempts this node left running are marked Interrupted,
/// their process trees killed if they survived, and their runs continue per the retry policy. Queued
/// attempts are handed to Hangfire again (a duplicate delivery is harmless: the claim refuses it). The kill
/// grace is the one in force: saved on the Settings page, or configured.
/// </summary>
public sealed class NodeRecovery(
    IDbContextFactory<EtlDbContext> dbFactory,
    RunLedger ledger,
    RunQueue queue,
    RunBroadcaster broadcaster,
    PipelineCoordinator coordinator,
    TimeProvider time,
    SettingsStore settings,
    ILogger<NodeRecovery> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);

        // With the SQLite stores there is one node, whatever name it had before a restart.
        var orphans = await db.Attempts.AsNoTracking().Where(a => a.Status == RunStatus.Running).ToListAsync(cancellationToken);
        foreach (var attempt in orphans)
        {
            var survivors = await ProcessTree.KillAllAsync(attempt.ProcessGroupId, attempt.Marker, TimeSpan.FromSeconds(settings.Current.Execution.KillGraceSeconds), cancellationToken);
            var message = $"Interrupted: EtlWeb stopped while this attempt ran on {attempt.Node}."
                + (survivors.Count > 0 ? $" Processes still alive: {string.Join(", ", survivors)}." : "");
            logger.LogWarning("Attempt {AttemptId} of run {RunId} was left running; marked Interrupted", attempt.Id, attempt.RunId);
            var settled = await ledger.SettleAsync(attempt.Id, new AttemptOutcome(RunStatus.Interrupted, null, message), null, cancellationToken);
            if (settled.Retry is { } retry)
            {
                queue.Schedule(retry.Id, settled.RetryDelay);
            }

            broadcaster.Publish(new RunChanged(settled.Run.Id, settled.Run.JobId, settled.Run.Status, settled.Retry?.Id, settled.Retry?.Number ?? attempt.Number));
        }

        var queued = await db.Attempts.AsNoTracking().Where(a => a.Status == RunStatus.Queued)
            .Where(a => db.Runs.Any(r => r.Id == a.RunId && (r.Status == RunStatus.Queued || r.Status == RunStatus.Running)))
            .Select(a => new { a.Id, a.NotBefore }).ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        foreach (var attempt in queued)
        {
            queue.Schedule(attempt.Id, attempt.NotBefore is { } due && due > now ? due - now : TimeSpan.Zero);
        }

        // Waiting runs may have become ready, failed upstream or timed out their wait while the node was down.
        await coordinator.EvaluateAsync(cancellationToken);
        if (orphans.Count + queued.Count > 0)
        {
            logger.LogInformation("Recovery: {Orphans} interrupted attempt(s), {Queued} queued attempt(s) handed to the queue again", orphans.Count, queued.Count);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
