using System.Globalization;
using EtlWeb.Core.Runs;
using EtlWeb.Data;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Orchestration;

/// <summary>
/// For-each runs in the engine: a ready for-each run fans out into one run per item of its upstream's list output
/// (<see cref="ForEachItems"/>), the items start while fewer than the job's <c>max_parallel</c> of them are queued or
/// running, and the for-each run ends once they all ended. Part of the engine: <see cref="WaitingRuns"/> and
/// <see cref="RunEngine"/> call it.
/// </summary>
internal static class ForEachRuns
{
    /// <summary>
    /// Fans a ready for-each run (attached, Waiting) out into its items, Waiting for their places; a list that is
    /// missing, not a list or too long ends the run Failed, an empty one Succeeded. Returns whether the run moved.
    /// </summary>
    public static async Task<bool> FanOutAsync(EtlDbContext db, Run run, JobFacts job, int maxItems, DateTimeOffset now, EngineChanges changes, CancellationToken cancellationToken)
    {
        var full = await db.Runs.AsNoTracking().FirstAsync(r => r.Id == run.Id, cancellationToken);
        var source = $"output '{job.ForEachOutput}' of {job.ForEachJob}";
        var outputs = await UpstreamOutputs.LoadAsync(db, full, cancellationToken);
        var list = outputs.TryGetValue(job.ForEachJob, out var given) && given.TryGetValue(job.ForEachOutput, out var value)
            ? ForEachItems.Read(value, source, maxItems)
            : new ItemList([], $"{job.ForEachJob} gave no output '{job.ForEachOutput}' to run over.");
        bool moved;
        if (list.Error is { } error)
        {
            moved = run.EndItems(RunStatus.Failed, error, now);
        }
        else if (list.Items.Count == 0)
        {
            moved = run.EndItems(RunStatus.Succeeded, $"The list in {source} is empty: no item to run.", now);
        }
        else
        {
            var parallel = Math.Max(job.ForEachMaxParallel, 1);
            moved = run.FanOut(string.Create(CultureInfo.InvariantCulture, $"For each of {list.Items.Count} items of {source}, at most {parallel} at once."), now);
            if (moved)
            {
                db.Runs.AddRange(list.Items.Select((item, index) => Run.ItemOf(full, index, item, now)));
            }
        }

        if (moved)
        {
            changes.Changed(run);
        }

        return moved;
    }

    /// <summary>
    /// Starts the waiting items (attached) that have a place among their for-each run's, oldest first; the others say
    /// why they wait. An item whose for-each run ended meanwhile (cancelled) is cancelled with it.
    /// </summary>
    public static async Task DecideItemsAsync(
        EtlDbContext db, IReadOnlyList<Run> items, Func<int, JobFacts?> jobOf, DateTimeOffset now, EngineChanges changes, CancellationToken cancellationToken)
    {
        var parents = items.Select(r => r.ParentRunId!.Value).Distinct().ToList();
        var ended = (await db.Runs.Where(r => parents.Contains(r.Id)).Select(r => new { r.Id, r.Status }).ToListAsync(cancellationToken))
            .Where(p => p.Status.IsTerminal()).Select(p => p.Id).ToHashSet();
        var taken = await db.Runs
            .Where(r => r.ParentRunId != null && parents.Contains(r.ParentRunId.Value) && (r.Status == RunStatus.Queued || r.Status == RunStatus.Running))
            .GroupBy(r => r.ParentRunId!.Value).Select(g => new { Parent = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Parent, g => g.Count, cancellationToken);
        foreach (var group in items.GroupBy(r => r.ParentRunId!.Value))
        {
            var parallel = Math.Max(jobOf(group.First().JobId)?.ForEachMaxParallel ?? 1, 1);
            var free = parallel - taken.GetValueOrDefault(group.Key);
            foreach (var item in group.OrderBy(r => r.Id))
            {
                if (ended.Contains(group.Key))
                {
                    item.Cancel(now);
                    changes.Changed(item);
                }
                else if (free > 0 && item.Queue(WaitingRuns.NewMarker()) is { } attempt)
                {
                    free--;
                    changes.Started(item, attempt);
                }
                else if (string.Create(CultureInfo.InvariantCulture, $"waiting for a place: {parallel} of {parallel} items of run #{group.Key} are queued or running") is var reason
                    && item.Reason != reason && item.KeepWaiting(reason))
                {
                    changes.Changed(item);
                }
            }
        }
    }

    /// <summary>
    /// Ends (tracked, not saved) the for-each runs among <paramref name="parentIds"/> (every one when null) that are
    /// still Running though all their items ended: whoever saw the last item end does it, and a start sweeps up one a
    /// crash left in between.
    /// </summary>
    public static async Task<List<Run>> EndDoneAsync(EtlDbContext db, IReadOnlyCollection<long>? parentIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var query = db.Runs.Include(r => r.Attempts)
            .Where(r => r.Status == RunStatus.Running && !r.Attempts.Any() && db.Runs.Any(i => i.ParentRunId == r.Id)
                && !db.Runs.Any(i => i.ParentRunId == r.Id && (i.Status == RunStatus.Waiting || i.Status == RunStatus.Queued || i.Status == RunStatus.Running)));
        if (parentIds is not null)
        {
            query = query.Where(r => parentIds.Contains(r.Id));
        }

        var ended = new List<Run>();
        foreach (var parent in await query.ToListAsync(cancellationToken))
        {
            var counts = await db.Runs.Where(r => r.ParentRunId == parent.Id).GroupBy(r => r.Status)
                .Select(g => new { Status = g.Key, Count = g.Count() }).ToDictionaryAsync(c => c.Status, c => c.Count, cancellationToken);
            var (status, reason) = ForEachItems.Outcome(counts);
            if (parent.EndItems(status, reason, now))
            {
                ended.Add(parent);
            }
        }

        return ended;
    }
}
