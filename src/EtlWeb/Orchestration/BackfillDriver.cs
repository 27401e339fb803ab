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
    RunningAttempts running,
    ClusterBus bus,
    SchedulerLease lease,
    TimeProvider time,
    ILogger<BackfillDriver> logger) : BackgroundService
{
    /// <summary>A wake-up for every unfinished backfill.</summary>
    private const long All = 0;

    /// <summary>A due time taken longer ago than this without its run was left by a node that stopped.</summary>
    private static readonly TimeSpan StrandedAfter = TimeSpan.FromMinutes(1);

    private static readonly RunStatus[] Ended = [.. Enum.GetValues<RunStatus>().Where(s => s.IsTerminal())];

    private readonly SemaphoreSlim _gate = new(1, 1);
    private ITimer? _retry;
    private readonly Channel<long> _wake = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleReader = true });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var runs = broadcaster.SubscribeRuns(change =>
        {
            if (change.BackfillId is { } id && change.Status.IsTerminal())
            {
                WakeIfHeld(id);
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

    /// <summary>Only the scheduler lease holder follows the backfills on: one node at a time decides what starts.</summary>
    private void WakeIfHeld(long backfillId)
    {
        if (lease.Held)
        {
            _wake.Writer.TryWrite(backfillId);
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
                    await FreeStrandedAsync(id);
                }

                await TopUpOneAsync(id);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Runs <paramref name="action"/> while no top-up runs on this node (a cancel must not race one).</summary>
    public async Task<T> ExclusiveAsync<T>(Func<Task<T>> action)
    {
        await _gate.WaitAsync();
        try
        {
            return await action();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// One backfill's pass. From taking due times to recording their runs nothing is cancelled by a caller's token: a
    /// due time taken and not started would hold a place of the cap.
    /// </summary>
    private async Task TopUpOneAsync(long id)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        if (await db.Backfills.FirstOrDefaultAsync(b => b.Id == id) is not { } backfill)
        {
            return;
        }

        // The outcomes of the runs that ended are kept with their due times, before retention may purge the runs.
        await db.BackfillItems.Where(i => i.BackfillId == id && i.Outcome == null && i.RunId != null)
            .Where(i => db.Runs.Any(r => r.Id == i.RunId && Ended.Contains(r.Status)))
            .ExecuteUpdateAsync(u => u.SetProperty(i => i.Outcome, i => db.Runs.Where(r => r.Id == i.RunId).Select(r => (RunStatus?)r.Status).First()));
        var active = await db.Runs
            .Where(r => r.BackfillId == id && (r.Status == RunStatus.Waiting || r.Status == RunStatus.Queued || r.Status == RunStatus.Running))
            .Select(r => r.PipelineId).Distinct().CountAsync();
        var starting = await db.BackfillItems.CountAsync(i => i.BackfillId == id && i.StartedAt != null && i.RunId == null);
        var pending = await db.BackfillItems.CountAsync(i => i.BackfillId == id && i.StartedAt == null);
        var cancelled = backfill.CancelledAt is not null;
        var count = BackfillRules.ToStart(backfill.MaxParallel, active + starting, pending, cancelled);
        if (count == 0)
        {
            if (active + starting == 0 && (pending == 0 || cancelled))
            {
                backfill.FinishedAt = time.GetUtcNow();
                await db.SaveChangesAsync();
                logger.LogInformation("Backfill {BackfillId} of job {JobId} is over{How}", id, backfill.JobId, cancelled ? " (cancelled)" : "");
            }
            else if (active == 0)
            {
                // Only due times taken and never started hold it up (a stop between the two): free them once no node
                // can still be starting them, and look again then.
                await FreeStrandedAsync(id);
                _retry ??= time.CreateTimer(_ => WakeIfHeld(All), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                _retry.Change(StrandedAfter, Timeout.InfiniteTimeSpan);
            }

            return;
        }

        var now = time.GetUtcNow();
        var next = await db.BackfillItems.AsNoTracking().Where(i => i.BackfillId == id && i.StartedAt == null)
            .OrderBy(i => i.Sequence).Take(count).ToListAsync();
        var taken = new List<BackfillItem>();
        foreach (var item in next)
        {
            // Taken only while the backfill is not cancelled: a cancel that came first starts nothing more.
            if (await db.BackfillItems.Where(i => i.Id == item.Id && i.StartedAt == null && db.Backfills.Any(b => b.Id == id && b.CancelledAt == null))
                    .ExecuteUpdateAsync(u => u.SetProperty(i => i.StartedAt, now)) == 1)
            {
                taken.Add(item);
            }
        }

        if (taken.Count == 0)
        {
            return;
        }

        IReadOnlyList<Run?> runs;
        try
        {
            // Each run is recorded on its due time in the transaction that creates it.
            runs = await engine.TriggerAsync(
                [.. taken.Select(i => new TriggerRequest(backfill.JobId, TriggerKind.Backfill, LogicalDate: i.LogicalDate, BackfillId: id, BackfillItemId: i.Id))],
                CancellationToken.None);
        }
        catch
        {
            // What was not created is free to start on the next pass; what was (a failure after the commit) keeps its run.
            var takenIds = taken.Select(i => i.Id).ToList();
            await db.BackfillItems.Where(i => takenIds.Contains(i.Id) && i.RunId == null)
                .ExecuteUpdateAsync(u => u.SetProperty(i => i.StartedAt, (DateTimeOffset?)null));
            throw;
        }

        // A cancel on another node between the take and the trigger: what was just started stops too.
        if (await db.Backfills.Where(b => b.Id == id).Select(b => b.CancelledAt).FirstAsync() is not null)
        {
            foreach (var run in runs.OfType<Run>())
            {
                if (await engine.CancelAsync(run.Id, CancellationToken.None) == CancelOutcome.Stopping && !running.RequestCancel(run.Id))
                {
                    bus.SendCancel(run.Id);
                }
            }
        }
    }

    /// <summary>Frees due times taken more than a minute ago whose run was never created (their node stopped in between).</summary>
    private async Task FreeStrandedAsync(long id)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var before = time.GetUtcNow() - StrandedAfter;
        var freed = await db.BackfillItems.Where(i => i.BackfillId == id && i.StartedAt != null && i.StartedAt < before && i.RunId == null)
            .ExecuteUpdateAsync(u => u.SetProperty(i => i.StartedAt, (DateTimeOffset?)null));
        if (freed > 0)
        {
            logger.LogInformation("Backfill {BackfillId}: {Count} due times taken before a stop, never started, are free to start again", id, freed);
        }
    }

    /// <summary>Starts the first due times of a backfill just created here.</summary>
    public Task StartCreatedAsync(long backfillId, CancellationToken cancellationToken) => TopUpAsync([backfillId], cancellationToken);

    public override void Dispose()
    {
        _retry?.Dispose();
        _gate.Dispose();
        base.Dispose();
    }
}
