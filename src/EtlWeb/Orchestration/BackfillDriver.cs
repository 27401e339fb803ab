using System.Threading.Channels;
using EtlWeb.Core.Runs;
using EtlWeb.Data;
using EtlWeb.Realtime;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Orchestration;

/// <summary>
/// Starts the due times of the backfills, at most each one's cap of pipeline runs at a time, oldest or newest first
/// (<see cref="BackfillRules"/>): when a backfill is created (on the node that created it), when one of its runs ends
/// and when the scheduler lease is taken (on the lease holder, which also finishes a restart's leftovers). Each start
/// takes its due time first (a conditional write), so a due time never gets two runs.
/// </summary>
public sealed class BackfillDriver(
    IDbContextFactory<EtlDbContext> dbFactory,
    RunEngine engine,
    RunBroadcaster broadcaster,
    SchedulerLease lease,
    TimeProvider time,
    ILogger<BackfillDriver> logger) : BackgroundService
{
    /// <summary>A wake-up for every unfinished backfill.</summary>
    private const long All = 0;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Channel<long> _wake = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleReader = true });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var runs = broadcaster.SubscribeRuns(change =>
        {
            if (change.BackfillId is { } id && change.Status.IsTerminal() && lease.Held)
            {
                _wake.Writer.TryWrite(id);
            }
        });
        using var leaseChanges = lease.Subscribe(held =>
        {
            if (held)
            {
                _wake.Writer.TryWrite(All);
            }
        });
        if (lease.Held)
        {
            _wake.Writer.TryWrite(All);
        }

        await foreach (var first in _wake.Reader.ReadAllAsync(stoppingToken))
        {
            // Run ends come in bursts: one pass serves every backfill woken meanwhile.
            var woken = new HashSet<long> { first };
            while (_wake.Reader.TryRead(out var more))
            {
                woken.Add(more);
            }

            try
            {
                await TopUpAsync(woken.Contains(All) ? null : woken, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Backfills {Backfills} could not start their next due times; the next run end tries again", string.Join(", ", woken));
            }
        }
    }

    /// <summary>Starts what the backfills (all unfinished ones when null) may start now, and records the ones that are over.</summary>
    public async Task TopUpAsync(IReadOnlyCollection<long>? backfillIds, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            List<long> ids;
            await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
            {
                var open = db.Backfills.Where(b => b.FinishedAt == null);
                ids = await (backfillIds is null ? open : open.Where(b => backfillIds.Contains(b.Id))).Select(b => b.Id).ToListAsync(cancellationToken);
            }

            foreach (var id in ids)
            {
                if (backfillIds is null)
                {
                    await RepairAsync(id, cancellationToken);
                }

                await TopUpOneAsync(id, cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task TopUpOneAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Backfills.FirstOrDefaultAsync(b => b.Id == id, cancellationToken) is not { } backfill)
        {
            return;
        }

        var active = await db.Runs
            .Where(r => r.BackfillId == id && (r.Status == RunStatus.Waiting || r.Status == RunStatus.Queued || r.Status == RunStatus.Running))
            .Select(r => r.PipelineId).Distinct().CountAsync(cancellationToken);
        var starting = await db.BackfillItems.CountAsync(i => i.BackfillId == id && i.StartedAt != null && i.RunId == null, cancellationToken);
        var pending = await db.BackfillItems.CountAsync(i => i.BackfillId == id && i.StartedAt == null, cancellationToken);
        var cancelled = backfill.CancelledAt is not null;
        var count = BackfillRules.ToStart(backfill.MaxParallel, active + starting, pending, cancelled);
        if (count == 0)
        {
            if (active + starting == 0 && (pending == 0 || cancelled))
            {
                backfill.FinishedAt = time.GetUtcNow();
                await db.SaveChangesAsync(cancellationToken);
                logger.LogInformation("Backfill {BackfillId} of job {JobId} is over{How}", id, backfill.JobId, cancelled ? " (cancelled)" : "");
            }

            return;
        }

        var now = time.GetUtcNow();
        var next = await db.BackfillItems.AsNoTracking().Where(i => i.BackfillId == id && i.StartedAt == null)
            .OrderBy(i => i.Sequence).Take(count).ToListAsync(cancellationToken);
        var taken = new List<BackfillItem>();
        foreach (var item in next)
        {
            if (await db.BackfillItems.Where(i => i.Id == item.Id && i.StartedAt == null)
                    .ExecuteUpdateAsync(u => u.SetProperty(i => i.StartedAt, now), cancellationToken) == 1)
            {
                taken.Add(item);
            }
        }

        IReadOnlyList<Run?> runs;
        try
        {
            runs = await engine.TriggerAsync(
                [.. taken.Select(i => new TriggerRequest(backfill.JobId, TriggerKind.Backfill, LogicalDate: i.LogicalDate, BackfillId: id))],
                CancellationToken.None);
        }
        catch
        {
            // Nothing was created (one transaction): the due times are free to start on the next pass.
            var takenIds = taken.Select(i => i.Id).ToList();
            await db.BackfillItems.Where(i => takenIds.Contains(i.Id)).ExecuteUpdateAsync(u => u.SetProperty(i => i.StartedAt, (DateTimeOffset?)null), CancellationToken.None);
            throw;
        }

        // A run is missing only when the job was deleted meanwhile, and its backfill with it.
        for (var k = 0; k < taken.Count; k++)
        {
            if (runs[k]?.Id is { } runId)
            {
                await db.BackfillItems.Where(i => i.Id == taken[k].Id).ExecuteUpdateAsync(u => u.SetProperty(i => i.RunId, runId), CancellationToken.None);
            }
        }
    }

    /// <summary>
    /// After a stop between taking a due time and recording its run (the pass over every backfill at start or when the
    /// lease is taken): a due time whose run exists gets it recorded, one without a run is free to start again.
    /// </summary>
    private async Task RepairAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);

        // A due time taken a moment ago may be in the hands of another node still.
        var before = time.GetUtcNow() - TimeSpan.FromMinutes(1);
        var stranded = await db.BackfillItems.Where(i => i.BackfillId == id && i.StartedAt != null && i.StartedAt < before && i.RunId == null)
            .ToListAsync(cancellationToken);
        if (stranded.Count == 0)
        {
            return;
        }

        var dates = stranded.Select(i => i.LogicalDate).ToList();
        var runs = await db.Runs.Where(r => r.BackfillId == id && r.Trigger == TriggerKind.Backfill && dates.Contains(r.LogicalDate))
            .Select(r => new { r.Id, r.LogicalDate }).ToListAsync(cancellationToken);
        foreach (var item in stranded)
        {
            item.RunId = runs.FirstOrDefault(r => r.LogicalDate == item.LogicalDate)?.Id;
            item.StartedAt = item.RunId is null ? null : item.StartedAt;
        }

        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Backfill {BackfillId}: {Count} due times taken before a stop were put right", id, stranded.Count);
    }

    /// <summary>Starts the first due times of a backfill just created here.</summary>
    public Task StartCreatedAsync(long backfillId, CancellationToken cancellationToken) => TopUpAsync([backfillId], cancellationToken);

    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }
}
