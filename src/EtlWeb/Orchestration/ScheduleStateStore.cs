using EtlWeb.Core.Scheduling;
using EtlWeb.Data;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Orchestration;

/// <summary>The scheduler's own fields of each job's schedule state: its last fire, and the operator's skip it used.</summary>
public sealed class ScheduleStateStore(IDbContextFactory<EtlDbContext> dbFactory)
{
    /// <summary>Writes each state's last fire; pause and skip are left alone, as operators write them at any time.</summary>
    public async Task SaveAsync(IEnumerable<ScheduleState> states, CancellationToken cancellationToken = default)
    {
        var list = states.ToList();
        if (list.Count == 0)
        {
            return;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var ids = list.Select(s => s.JobId).ToList();
        var existing = await db.ScheduleStates.Where(s => ids.Contains(s.JobId)).ToDictionaryAsync(s => s.JobId, cancellationToken);
        var jobIds = await db.Jobs.Where(j => ids.Contains(j.Id)).Select(j => j.Id).ToListAsync(cancellationToken);
        foreach (var state in list.Where(s => jobIds.Contains(s.JobId)))
        {
            // Only the scheduler's own field: pause and skip are written by operators at any time.
            if (existing.TryGetValue(state.JobId, out var row))
            {
                row.LastFireAt = state.LastFireAt;
            }
            else
            {
                db.ScheduleStates.Add(new ScheduleState { JobId = state.JobId, Anchor = state.Anchor, LastFireAt = state.LastFireAt });
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Records that the job's due times in (<paramref name="from"/>, <paramref name="to"/>] were missed while no scheduler
    /// ran, and the misfire policy applied to them; the fire timeline explains them with it.
    /// </summary>
    public async Task RecordDowntimeAsync(int jobId, DateTimeOffset from, DateTimeOffset to, Core.Jobs.MisfirePolicy policy, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // In UTC: SQLite compares stored instants by their wall-clock ticks (a cron fire carries its zone's offset).
        db.ScheduleGaps.Add(new ScheduleGap { JobId = jobId, Kind = ScheduleGapKind.Down, From = from.ToUniversalTime(), To = to.ToUniversalTime(), Detail = policy.ToString() });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Clears the operator's skip of the fire due at <paramref name="due"/>, once that fire was recorded as skipped.</summary>
    public async Task ClearSkipAsync(int jobId, DateTimeOffset due)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        await db.ScheduleStates.Where(s => s.JobId == jobId && s.SkipFireAt == due)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.SkipFireAt, (DateTimeOffset?)null));
    }
}
