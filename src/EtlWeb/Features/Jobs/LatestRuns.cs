using EtlWeb.Core.Jobs;
using EtlWeb.Core.Runs;
using EtlWeb.Data;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Features.Jobs;

/// <summary>What the job list shows of each job's runs: its latest run (a for-each run, not one of its items) and item progress.</summary>
internal static class LatestRuns
{
    /// <summary>Each job's latest run (of the jobs given, when <paramref name="jobIds"/> is not null), by job id.</summary>
    public static async Task<Dictionary<int, Run>> ReadAsync(EtlDbContext db, IReadOnlyCollection<int>? jobIds, CancellationToken cancellationToken)
    {
        var jobs = db.Jobs.AsNoTracking();
        if (jobIds is not null)
        {
            jobs = jobs.Where(j => jobIds.Contains(j.Id));
        }

        // One lookup in the (JobId, Id) index per job: grouping the runs would read every run of every job.
        var latestIds = jobs.Select(j => db.Runs.Where(r => r.JobId == j.Id).Max(r => (long?)r.Id)).Where(id => id != null).Select(id => id!.Value);
        var latest = await db.Runs.AsNoTracking().Where(r => latestIds.Contains(r.Id)).ToDictionaryAsync(r => r.JobId, cancellationToken);

        // An item of a for-each run is not the job's latest run: the for-each run it belongs to is.
        var parents = latest.Values.Where(r => r.ParentRunId is not null).Select(r => r.ParentRunId!.Value).ToList();
        if (parents.Count > 0)
        {
            foreach (var parent in await db.Runs.AsNoTracking().Where(r => parents.Contains(r.Id)).ToListAsync(cancellationToken))
            {
                latest[parent.JobId] = parent;
            }
        }

        return latest;
    }

    /// <summary>For the latest runs that are for-each runs going through their items: how many of the items ended.</summary>
    public static async Task<Dictionary<int, ItemsProgress>> ItemsProgressAsync(EtlDbContext db, Dictionary<int, Run> latest, CancellationToken cancellationToken)
    {
        var running = latest.Values.Where(r => r.Status == RunStatus.Running && r.Attempts.Count == 0).Select(r => r.Id).ToList();
        if (running.Count == 0)
        {
            return [];
        }

        var items = await db.Runs.Where(r => r.ParentRunId != null && running.Contains(r.ParentRunId.Value))
            .GroupBy(r => new { Parent = r.ParentRunId!.Value, r.Status }).Select(g => new { g.Key.Parent, g.Key.Status, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var jobOf = latest.Values.Where(r => running.Contains(r.Id)).ToDictionary(r => r.Id, r => r.JobId);
        return items.GroupBy(i => i.Parent).ToDictionary(
            g => jobOf[g.Key],
            g => new ItemsProgress(g.Where(i => i.Status.IsTerminal()).Sum(i => i.Count), g.Sum(i => i.Count)));
    }
}
