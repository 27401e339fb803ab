using EtlWeb.Core.Connections;
using EtlWeb.Core.Jobs;
using EtlWeb.Data;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Features.Jobs;

/// <summary>What a job may name besides other jobs: the pools (with their slots), the connections and the calendars.</summary>
internal sealed record KnownResources(Dictionary<string, int> Pools, HashSet<string> Connections, HashSet<string> Calendars)
{
    public static async Task<KnownResources> ReadAsync(EtlDbContext db, CancellationToken cancellationToken) => new(
        await db.Pools.AsNoTracking().ToDictionaryAsync(p => p.Name, p => p.Slots, StringComparer.Ordinal, cancellationToken),
        (await db.Connections.AsNoTracking().Select(c => c.Name).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal),
        (await db.Calendars.AsNoTracking().Select(c => c.Name).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal));

    /// <summary>The job's pool, connection and calendar exist (and its pool has room for its slots).</summary>
    public void Check(Job job, ValidationErrors errors)
    {
        ResourceRules.CheckPool(job, Pools, errors);
        ConnectionRules.CheckJob(job, Connections, errors);
        if (job.Calendar.Length > 0 && ResourceRules.IsPoolName(job.Calendar) && !Calendars.Contains(job.Calendar))
        {
            errors.Add(JobFields.Calendar, $"There is no calendar named '{job.Calendar}'; an Admin creates calendars on the Calendars page.");
        }
    }
}
