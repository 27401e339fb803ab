using EtlWeb.Core.Runs;
using EtlWeb.Data;
using EtlWeb.Security;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Hangfire.Storage.Monitoring;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Orchestration;

/// <summary>
/// Hands an attempt to Hangfire again when it has stayed Queued well past its due time and Hangfire no longer holds a
/// job for it (enqueued, scheduled or processing): its Hangfire job was lost or failed before the claim (an exception,
/// a storage error). An attempt that merely waits behind a long queue is left alone, so a backlog is not doubled every
/// ten seconds. An attempt waiting for a full pool has no delivery on purpose (<see cref="ClaimArbiter"/>) and is left
/// alone too, unless its job was disabled meanwhile. A duplicate delivery is refused by the claim, so this can only help. One indexed query every ten
/// seconds while attempts are queued; Hangfire's jobs and the pools are read only when an attempt is overdue. On a single node (SQLite) every
/// attempt is queued by this process, so once none is queued it sleeps until the next one is handed to the queue.
/// </summary>
public sealed class QueueWatchdog(
    IDbContextFactory<EtlDbContext> dbFactory, RunQueue queue, JobStorage storage, NodeLiveness liveness, TimeProvider time, ILogger<QueueWatchdog> logger) : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Overdue = TimeSpan.FromSeconds(15);
    private static readonly string[] Holding = [EnqueuedState.StateName, ScheduledState.StateName, ProcessingState.StateName];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // EtlWeb's engine at work: it acts as itself, explicitly, and whatever it starts from here keeps that.
        using var system = CurrentActor.AsSystem();
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(Period, time, stoppingToken);
            var activity = queue.Activity;
            try
            {
                await RequeueOverdueAsync(stoppingToken);
                if (!liveness.Beats && !await AnyQueuedAsync(stoppingToken))
                {
                    await activity.WaitAsync(stoppingToken);
                }
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
        var overdue = await db.Attempts.Where(a => a.Status == AttemptStatus.Queued)
            .Join(db.Runs, a => a.RunId, r => r.Id, (a, r) => new { a.Id, a.RunId, Due = a.NotBefore ?? r.QueuedAt, r.Status, r.JobId })
            .Where(x => (x.Status == RunStatus.Queued || x.Status == RunStatus.Running) && x.Due < cutoff)
            .Join(db.Jobs, x => x.JobId, j => j.Id, (x, j) => new OverdueAttempt(x.Id, x.RunId, j.Pool, j.PoolSlots, j.Enabled))
            .ToListAsync(cancellationToken);
        if (overdue.Count == 0)
        {
            return 0;
        }

        // An attempt waiting for a full pool has no delivery on purpose; one of a job disabled while it waited goes back
        // whatever its pool: its claim ends its run.
        var pools = await PoolQueries.UseAsync(db, null, cancellationToken);
        overdue.RemoveAll(a => a.Enabled && pools.TryGetValue(a.Pool, out var pool) && !(pool with { Needs = a.PoolSlots }).HasRoom);
        var unknown = new HashSet<long>();
        var held = AttemptsHandedJobsHold(overdue.Select(a => a.Id), unknown);
        overdue.RemoveAll(a => held.Contains(a.Id));

        // Read again: in a busy queue an attempt read as Queued above may since have been delivered and claimed, and
        // forgotten here (its claim ran), which is why it was unknown.
        await KeepStillQueuedAsync(db, overdue, cancellationToken);
        if (overdue.Exists(a => unknown.Contains(a.Id)))
        {
            var listed = AttemptsInHangfireLists();
            overdue.RemoveAll(a => listed.Contains(a.Id));
            // And after Hangfire's lists: one may since have been delivered, claimed and finished, gone from every list.
            await KeepStillQueuedAsync(db, overdue, cancellationToken);
        }

        foreach (var attempt in overdue)
        {
            logger.LogWarning("Attempt {AttemptId} of run {RunId} was still queued long after its due time; handing it to the queue again", attempt.Id, attempt.RunId);
            queue.Enqueue(attempt.Id);
        }

        return overdue.Count;
    }

    private async Task<bool> AnyQueuedAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Attempts.AnyAsync(a => a.Status == AttemptStatus.Queued, cancellationToken);
    }

    private static async Task KeepStillQueuedAsync(EtlDbContext db, List<OverdueAttempt> overdue, CancellationToken cancellationToken)
    {
        if (overdue.Count == 0)
        {
            return;
        }

        var ids = overdue.Select(a => a.Id).ToList();
        var stillQueued = await db.Attempts.Where(a => ids.Contains(a.Id) && a.Status == AttemptStatus.Queued).Select(a => a.Id).ToListAsync(cancellationToken);
        overdue.RemoveAll(a => !stillQueued.Contains(a.Id));
    }

    /// <summary>
    /// Which of <paramref name="attemptIds"/> this process handed to a Hangfire job that still waits in the queue, is
    /// scheduled for later, or is being processed; that one job is read. The attempts it does not know go to
    /// <paramref name="unknown"/>: handed over elsewhere (another node, or before this process started), or claimed
    /// since. Only for those, once re-read as still Queued, are Hangfire's whole lists read: on SQLite a list of
    /// enqueued jobs costs a scan of every job state per job listed, seconds of CPU under a backlog of a thousand.
    /// </summary>
    private HashSet<long> AttemptsHandedJobsHold(IEnumerable<long> attemptIds, HashSet<long> unknown)
    {
        var held = new HashSet<long>();
        using var connection = storage.GetConnection();
        foreach (var attemptId in attemptIds)
        {
            if (!queue.TryGetHandedJob(attemptId, out var jobId))
            {
                unknown.Add(attemptId);
            }
            else if (connection.GetJobData(jobId)?.State is { } state && Holding.Contains(state))
            {
                held.Add(attemptId);
            }
        }

        return held;
    }

    /// <summary>The attempts that have a job in Hangfire's lists of enqueued, scheduled and processing jobs.</summary>
    private HashSet<long> AttemptsInHangfireLists()
    {
        var monitor = storage.GetMonitoringApi();
        var held = new HashSet<long>();
        // In the order a job moves through them, so one that moves on while they are read is seen in a later list.
        // Each list in one read: pages read one after another skip the jobs that move up as the queue is consumed.
        AddAll(held, monitor.ScheduledJobs(0, Whole(monitor.ScheduledCount())), j => j.Job);
        AddAll(held, monitor.EnqueuedJobs(RunQueue.QueueName, 0, Whole(monitor.EnqueuedCount(RunQueue.QueueName))), j => j.Job);
        AddAll(held, monitor.ProcessingJobs(0, Whole(monitor.ProcessingCount())), j => j.Job);
        return held;
    }

    /// <summary>A list's length read just before it, with room for the jobs added in between.</summary>
    private static int Whole(long count) => (int)Math.Min(int.MaxValue, count + 1000);

    private static void AddAll<T>(HashSet<long> held, JobList<T> jobs, Func<T, Job?> jobOf)
    {
        foreach (var (_, dto) in jobs)
        {
            if (dto is not null && jobOf(dto)?.Args is [long attemptId, ..])
            {
                held.Add(attemptId);
            }
        }
    }

    private sealed record OverdueAttempt(long Id, long RunId, string Pool, int PoolSlots, bool Enabled);
}
