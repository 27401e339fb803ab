using EtlWeb.Core.Jobs;
using EtlWeb.Core.Runs;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Data;

/// <summary>How full the pools are: the slots a pool's running attempts hold, counted in the database (never kept as a counter).</summary>
public static class PoolQueries
{
    /// <summary>Each pool (or the one named) with its slots and the slots its running attempts hold.</summary>
    public static async Task<Dictionary<string, PoolUse>> UseAsync(EtlDbContext db, string? only, CancellationToken cancellationToken)
    {
        var pools = db.Pools.AsNoTracking();
        if (only is not null)
        {
            pools = pools.Where(p => p.Name == only);
        }

        var rows = await pools.Select(p => new
        {
            p.Name,
            p.Slots,
            Used = db.Attempts.Where(a => a.Status == AttemptStatus.Running && a.Pool == p.Name).Sum(a => (int?)a.PoolSlots) ?? 0,
        }).ToListAsync(cancellationToken);
        return rows.ToDictionary(r => r.Name, r => new PoolUse(r.Name, r.Used, r.Slots, 0), StringComparer.Ordinal);
    }
}
