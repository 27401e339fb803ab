using EtlWeb.Configuration;
using EtlWeb.Core.Runs;
using EtlWeb.Core.Scheduling;
using EtlWeb.Data;
using EtlWeb.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EtlWeb.Orchestration;

/// <summary>Purges finished runs past the retention settings, in small batches so writers are never held up long.</summary>
public sealed class RetentionService(
    IDbContextFactory<EtlDbContext> dbFactory,
    TimeProvider time,
    IOptions<RetentionOptions> options,
    ILogger<RetentionService> logger) : BackgroundService
{
    private const int BatchSize = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // EtlWeb's engine at work: it acts as itself, explicitly, and whatever it starts from here keeps that.
        using var system = CurrentActor.AsSystem();
        var interval = TimeSpan.FromMinutes(options.Value.IntervalMinutes);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var purged = await PurgeAsync(stoppingToken);
                if (purged > 0)
                {
                    logger.LogInformation("Retention purged {Count} finished run(s)", purged);
                }

                var audit = await PurgeAuditAsync(stoppingToken);
                if (audit > 0)
                {
                    logger.LogInformation("Retention purged {Count} audit log entr(ies)", audit);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Retention purge failed; it is tried again in {Interval}", interval);
            }

            await Task.Delay(interval, time, stoppingToken);
        }
    }

    /// <summary>Deletes audit log entries older than the audit retention, in batches; returns how many.</summary>
    public async Task<int> PurgeAuditAsync(CancellationToken cancellationToken)
    {
        if (options.Value.AuditDays <= 0)
        {
            return 0;
        }

        var cutoff = time.GetUtcNow().AddDays(-options.Value.AuditDays);
        var total = 0;
        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var ids = await db.AuditEntries.Where(e => e.At < cutoff).OrderBy(e => e.Id).Select(e => e.Id).Take(BatchSize * 10).ToListAsync(cancellationToken);
            if (ids.Count == 0)
            {
                return total;
            }

            total += await db.AuditEntries.Where(e => ids.Contains(e.Id)).ExecuteDeleteAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Deletes finished runs beyond the per-job count or older than the age limit; returns how many. The items of a
    /// for-each run neither count nor go on their own: they go with their run.
    /// </summary>
    public async Task<int> PurgeAsync(CancellationToken cancellationToken)
    {
        var keep = options.Value;
        var total = 0;
        if (keep.Days > 0)
        {
            var cutoff = time.GetUtcNow().AddDays(-keep.Days);
            total += await PurgeBatchesAsync(db => Finished(db).Where(r => r.FinishedAt < cutoff), cancellationToken);
        }

        if (keep.RunsPerJob > 0)
        {
            // One pass over the (JobId, Id) index finds the jobs holding more runs than they keep; for each, one seek
            // finds the oldest run it keeps, and its older finished runs go. Not a count of the newer runs per run,
            // which a history of a million runs would take minutes to answer.
            foreach (var (jobId, oldestKept) in await OldestKeptAsync(keep.RunsPerJob, cancellationToken))
            {
                total += await PurgeBatchesAsync(db => Finished(db).Where(r => r.JobId == jobId && r.Id < oldestKept), cancellationToken);
            }
        }

        return total;
    }

    private static IQueryable<Run> Finished(EtlDbContext db) => db.Runs.Where(r => r.FinishedAt != null && r.ParentRunId == null);

    /// <summary>For each job with more than <paramref name="runsPerJob"/> runs, the id of the oldest run it keeps.</summary>
    private async Task<List<(int JobId, long OldestKept)>> OldestKeptAsync(int runsPerJob, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var jobs = await db.Runs.Where(r => r.ParentRunId == null).GroupBy(r => r.JobId)
            .Where(g => g.Count() > runsPerJob).Select(g => g.Key).ToListAsync(cancellationToken);
        var marks = new List<(int, long)>(jobs.Count);
        foreach (var jobId in jobs)
        {
            var oldestKept = await db.Runs.Where(r => r.JobId == jobId && r.ParentRunId == null)
                .OrderByDescending(r => r.Id).Skip(runsPerJob - 1).Select(r => r.Id).FirstAsync(cancellationToken);
            marks.Add((jobId, oldestKept));
        }

        return marks;
    }

    /// <summary>Deletes the runs <paramref name="purgeable"/> selects, oldest first, a batch per transaction; returns how many.</summary>
    private async Task<int> PurgeBatchesAsync(Func<EtlDbContext, IQueryable<Run>> purgeable, CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var ids = await purgeable(db).OrderBy(r => r.Id).Select(r => r.Id).Take(BatchSize).ToListAsync(cancellationToken);
            if (ids.Count == 0)
            {
                return total;
            }

            await RecordPurgedFiresAsync(db, ids, cancellationToken);
            total += await db.Runs.Where(r => r.ParentRunId != null && ids.Contains(r.ParentRunId.Value)).ExecuteDeleteAsync(cancellationToken);
            total += await db.Runs.Where(r => ids.Contains(r.Id) && r.Status != RunStatus.Running).ExecuteDeleteAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Moves each job's purge mark up to the latest scheduled run about to be removed: the fire timeline then says that
    /// the earlier due times' runs were removed, rather than that nothing ran.
    /// </summary>
    private static async Task RecordPurgedFiresAsync(EtlDbContext db, List<long> ids, CancellationToken cancellationToken)
    {
        var fires = await db.Runs.Where(r => ids.Contains(r.Id) && r.Status != RunStatus.Running && (r.Trigger == TriggerKind.Schedule || r.Trigger == TriggerKind.CatchUp))
            .Select(r => new { r.JobId, r.LogicalDate }).ToListAsync(cancellationToken);
        var byJob = fires.GroupBy(f => f.JobId).ToDictionary(g => g.Key, g => (From: g.Min(f => f.LogicalDate), To: g.Max(f => f.LogicalDate)));
        if (byJob.Count == 0)
        {
            return;
        }

        var jobIds = byJob.Keys.ToList();
        var marks = await db.ScheduleGaps.Where(g => g.Kind == ScheduleGapKind.Purged && jobIds.Contains(g.JobId)).ToDictionaryAsync(g => g.JobId, cancellationToken);
        foreach (var (jobId, (from, to)) in byJob)
        {
            if (marks.TryGetValue(jobId, out var mark))
            {
                mark.To = mark.To > to ? mark.To : to;
            }
            else
            {
                db.ScheduleGaps.Add(new ScheduleGap { JobId = jobId, Kind = ScheduleGapKind.Purged, From = from, To = to });
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
