using EtlWeb.Core.Jobs;
using EtlWeb.Core.Runs;
using EtlWeb.Data;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Orchestration;

/// <summary>
/// Which ready attempt a worker starts once priorities or pools are in use (ADR 0020). A delivery from the queue is a
/// free worker, not a promise to one attempt: it starts the ready attempt of the highest priority, then the oldest,
/// among those whose pool has the slots they take. The slots in use are the sum over the pool's running attempts, read
/// in the claim's own transaction after locking the pool's row (PostgreSQL; on SQLite the one writer), so two nodes
/// never both take a pool's last slot. An attempt whose pool is full keeps no delivery: the end of an attempt of the
/// pool, or more slots, hands the queue as many deliveries as there are free slots (<see cref="WakeAsync"/>).
/// </summary>
public sealed class ClaimArbiter(EngineLocks locks, RunQueue queue, TimeProvider time)
{
    /// <summary>How many ready attempts (of pools with a free slot) are weighed per claim: the best of them that fits starts.</summary>
    private const int Candidates = 64;

    /// <summary>
    /// Claims the best ready attempt that fits for <paramref name="node"/>, in <paramref name="db"/>; null when none
    /// fits. When another attempt than <paramref name="delivered"/> started and the delivered one fits too, it is
    /// handed to the queue again, so it keeps a delivery.
    /// </summary>
    /// <param name="prepare">Runs before the claim, on the run about to start (its inputs from upstream outputs).</param>
    public async Task<(Attempt Attempt, Run Run)?> ClaimAsync(EtlDbContext db, long delivered, string node, Func<Run, Task> prepare, CancellationToken cancellationToken)
    {
        using (await locks.EnterAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var use = await PoolQueries.UseAsync(db, null, cancellationToken);
            // Pools without a free slot are left out by the query, so a backlog behind a full pool hides nothing that fits;
            // the delivered attempt is always weighed.
            var full = use.Values.Where(p => p.Used >= p.Slots).Select(p => p.Name).ToList();
            var ready = await ReadyAsync(db, null, full, null, cancellationToken);
            if (ready.All(c => c.Id != delivered))
            {
                ready.AddRange(await ReadyAsync(db, null, [], delivered, cancellationToken));
            }

            if (ready.FirstOrDefault(c => Fits(c, use)) is not { } best)
            {
                return null;
            }

            // One pool row locked per claim at most: when another node took the slot meanwhile, the delivery comes back.
            if (best.Pool.Length > 0 && use.ContainsKey(best.Pool) && !await StillFitsAsync(db, best, cancellationToken))
            {
                await transaction.RollbackAsync(cancellationToken);
                queue.Enqueue(delivered);
                return null;
            }

            var run = await db.Runs.Include(r => r.Attempts).FirstAsync(r => r.Id == best.RunId, cancellationToken);
            var attempt = run.Attempts.Single(a => a.Id == best.Id);
            await prepare(run);
            // Read after the pool's row is locked: the start is never before the moment the slot was freed.
            if (!run.Claim(attempt, node, time.GetUtcNow(), use.ContainsKey(best.Pool) ? best.Pool : "", best.PoolSlots))
            {
                await transaction.RollbackAsync(cancellationToken);
                queue.Enqueue(delivered);
                return null;
            }

            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            if (best.Id != delivered && ready.FirstOrDefault(c => c.Id == delivered) is { } other && Fits(other, use))
            {
                queue.Enqueue(delivered);
            }

            return (attempt, run);
        }
    }

    /// <summary>Hands a delivery whose claim lost a race back to the queue: the attempts it could have started keep it.</summary>
    public void Redeliver(long attemptId) => queue.Enqueue(attemptId);

    /// <summary>Hands the queue a delivery per free slot of <paramref name="pool"/> for its best ready attempts.</summary>
    public async Task WakeAsync(EtlDbContext db, string pool, CancellationToken cancellationToken)
    {
        var use = await PoolQueries.UseAsync(db, pool, cancellationToken);
        if (!use.TryGetValue(pool, out var slots))
        {
            return;
        }

        var free = slots.Slots - slots.Used;
        var ready = await ReadyAsync(db, pool, [], null, cancellationToken);
        foreach (var candidate in ready.Take(Math.Max(free, 0)))
        {
            queue.Enqueue(candidate.Id);
        }
    }

    /// <summary>A job's pool missing (removed while the job still named it) limits nothing.</summary>
    private static bool Fits(Candidate candidate, Dictionary<string, PoolUse> use) =>
        candidate.Pool.Length == 0 || !use.TryGetValue(candidate.Pool, out var pool) || (pool with { Needs = candidate.PoolSlots }).HasRoom;

    /// <summary>Locks the pool's row (PostgreSQL) and counts its slots in use again, now that no other claim can change them.</summary>
    private static async Task<bool> StillFitsAsync(EtlDbContext db, Candidate candidate, CancellationToken cancellationToken)
    {
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlInterpolatedAsync($"""SELECT 1 FROM pools WHERE "Name" = {candidate.Pool} FOR UPDATE""", cancellationToken);
        }

        var use = await PoolQueries.UseAsync(db, candidate.Pool, cancellationToken);
        return Fits(candidate, use);
    }

    /// <summary>
    /// The ready attempts (queued, due, of an enabled job, of a run not being cancelled) in starting order: priority,
    /// then age; of one pool, or but those of the <paramref name="full"/> pools, or just <paramref name="only"/>.
    /// </summary>
    private async Task<List<Candidate>> ReadyAsync(EtlDbContext db, string? pool, List<string> full, long? only, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var ready = from a in db.Attempts
                    where a.Status == AttemptStatus.Queued && (a.NotBefore == null || a.NotBefore <= now) && (only == null || a.Id == only)
                    join r in db.Runs on a.RunId equals r.Id
                    where (r.Status == RunStatus.Queued || r.Status == RunStatus.Running) && !r.CancelRequested
                    join j in db.Jobs on r.JobId equals j.Id
                    where j.Enabled && (pool == null || j.Pool == pool) && !full.Contains(j.Pool)
                    orderby j.Priority descending, a.Id
                    select new Candidate(a.Id, r.Id, j.Pool, j.PoolSlots);
        return await ready.Take(Candidates).ToListAsync(cancellationToken);
    }

    private sealed record Candidate(long Id, long RunId, string Pool, int PoolSlots);
}
