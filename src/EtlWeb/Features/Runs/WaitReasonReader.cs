using System.Globalization;
using EtlWeb.Core.Runs;
using EtlWeb.Data;
using EtlWeb.Features.Nodes;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Features.Runs;

/// <summary>Reads what the wait reasons of runs not yet running need, in a fixed number of queries for any number of runs.</summary>
public sealed class WaitReasonReader(NodeDirectory nodes, TimeProvider time)
{
    private static readonly RunStatus[] Active = [RunStatus.Waiting, RunStatus.Queued, RunStatus.Running];

    /// <summary>How the reason of a run waiting for upstream jobs starts (<see cref="ReadinessRules"/>), followed by their names.</summary>
    private const string UpstreamWait = "waiting for: ";

    /// <summary>The sentence of each Waiting or Queued run of <paramref name="runs"/> (and each Running one between attempts), by run id.</summary>
    public async Task<IReadOnlyDictionary<long, string>> DescribeAsync(EtlDbContext db, IReadOnlyCollection<Run> runs, CancellationToken cancellationToken)
    {
        var pending = runs.Where(r => r.Status is RunStatus.Waiting or RunStatus.Queued or RunStatus.Running).ToList();
        if (pending.Count == 0)
        {
            return new Dictionary<long, string>();
        }

        var now = time.GetUtcNow();
        // Only a run waiting for upstream jobs (as its last decision found) names them; an item waits for its place.
        var waiting = pending.Where(r => r.Status == RunStatus.Waiting && r.ParentRunId == null && (r.Reason?.StartsWith(UpstreamWait, StringComparison.Ordinal) ?? false)).ToList();
        var waitingIds = waiting.Select(r => r.Id).ToHashSet();
        var waitingJobs = waiting.Select(r => r.JobId).Distinct().ToList();
        var links = waitingJobs.Count == 0 ? [] : await db.Dependencies.AsNoTracking().Where(d => waitingJobs.Contains(d.DownstreamJobId))
            .Join(db.Jobs, d => d.UpstreamJobId, j => j.Id, (d, j) => new { d.DownstreamJobId, d.UpstreamJobId, j.Name })
            .ToListAsync(cancellationToken);
        var upstreamIds = links.Select(l => l.UpstreamJobId).Distinct().ToList();
        var upstreamRuns = (upstreamIds.Count == 0 ? [] : await db.Runs.AsNoTracking()
                .Where(r => upstreamIds.Contains(r.JobId) && r.ParentRunId == null && Active.Contains(r.Status))
                .Select(r => new { r.JobId, r.PipelineId, r.BackfillId, r.Status, Since = r.StartedAt ?? r.QueuedAt })
                .ToListAsync(cancellationToken))
            .ToLookup(r => r.JobId);
        var linksOf = links.ToLookup(l => l.DownstreamJobId);

        var queuedIds = pending.Where(r => r.Status != RunStatus.Waiting).Select(r => r.Id).ToList();
        var attempts = (queuedIds.Count == 0 ? [] : await db.Attempts.AsNoTracking()
                .Where(a => queuedIds.Contains(a.RunId) && a.Status == AttemptStatus.Queued)
                .Select(a => new { a.RunId, a.Number, a.NotBefore }).ToListAsync(cancellationToken))
            .ToLookup(a => a.RunId);
        var jobIds = pending.Select(r => r.JobId).Distinct().ToList();
        var jobs = await db.Jobs.AsNoTracking().Where(j => jobIds.Contains(j.Id)).ToDictionaryAsync(j => j.Id, j => new { j.MaxRetries, j.Pool, j.PoolSlots }, cancellationToken);
        var pools = queuedIds.Count == 0 || !jobs.Values.Any(j => j.Pool.Length > 0) ? [] : await PoolQueries.UseAsync(db, null, cancellationToken);
        var busy = queuedIds.Count == 0 ? 0 : await db.Attempts.CountAsync(a => a.Status == AttemptStatus.Running, cancellationToken);
        var workers = queuedIds.Count == 0 ? 0 : (await nodes.ListAsync(cancellationToken)).Where(n => n.State == NodeState.Alive).Sum(n => n.Workers);

        var sentences = new Dictionary<long, string>();
        foreach (var run in pending)
        {
            var named = waitingIds.Contains(run.Id) ? Named(run.Reason!) : [];
            // The upstream's run in this pipeline run, else (an upstream outside it) its own run in progress; a backfill's runs are their own.
            var upstreams = linksOf[run.JobId].Where(l => named.Contains(l.Name))
                .Select(l => upstreamRuns[l.UpstreamJobId].Where(u => u.PipelineId == run.PipelineId || (u.BackfillId == null && run.BackfillId == null))
                    .OrderBy(u => u.PipelineId == run.PipelineId ? 0 : 1).ThenBy(u => u.Since)
                    .Select(u => new UpstreamActivity(l.Name, u.Status, u.Since)).FirstOrDefault())
                .OfType<UpstreamActivity>().OrderBy(u => u.Job, StringComparer.Ordinal).ToList();
            var attempt = attempts[run.Id].MaxBy(a => a.Number);
            var job = jobs.GetValueOrDefault(run.JobId);
            var pool = job is not null && pools.TryGetValue(job.Pool, out var use) ? use with { Needs = job.PoolSlots } : null;
            var facts = new WaitFacts(run.Status, run.Reason, upstreams, attempt is null ? null : new QueuedAttempt(attempt.Number, attempt.NotBefore),
                job?.MaxRetries ?? 0, busy, workers, pool);
            if (WaitReasons.Sentence(facts, now, t => Show(t, now)) is { } sentence)
            {
                sentences[run.Id] = sentence;
            }
        }

        return sentences;
    }

    /// <summary>The upstream jobs a waiting reason names: <c>waiting for: A, B (never ran)</c> names A and B.</summary>
    private static HashSet<string> Named(string reason) =>
        reason[UpstreamWait.Length..].Split(", ").Select(n => n.Split(" (")[0]).ToHashSet(StringComparer.Ordinal);

    /// <summary>A time of day in the server's zone, with the date when it is not within a day of now.</summary>
    private static string Show(DateTimeOffset instant, DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(instant, TimeZoneInfo.Local);
        return (instant - now).Duration() < TimeSpan.FromHours(20)
            ? local.ToString("HH:mm:ss", CultureInfo.InvariantCulture)
            : local.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
    }
}
