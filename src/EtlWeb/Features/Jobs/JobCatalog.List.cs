using EtlWeb.Core.Jobs;
using EtlWeb.Data;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Features.Jobs;

/// <summary>One page of the job list, in name order: <see cref="Next"/> is the name to read on after, null on the last page.</summary>
public sealed record JobPage(IReadOnlyList<JobDocument> Jobs, string? Next);

public sealed partial class JobCatalog
{
    /// <summary>The most jobs one page of the list may hold.</summary>
    public const int MaxPageSize = 1000;

    /// <summary>Every job the acting user may see, in name order.</summary>
    public async Task<IReadOnlyList<JobDocument>> ListAsync(CancellationToken cancellationToken = default) =>
        (await ListPageAsync(null, null, cancellationToken)).Jobs;

    /// <summary>
    /// Up to <paramref name="limit"/> jobs (all when null) whose names sort after <paramref name="after"/>, in name
    /// order. A page reads only its own jobs' links, runs and schedule states, so the first page of a large
    /// catalogue costs what a page costs.
    /// </summary>
    public async Task<JobPage> ListPageAsync(int? limit, string? after, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.Jobs.AsNoTracking();
        if (after is not null)
        {
            query = query.Where(j => string.Compare(j.Name, after) > 0);
        }

        query = query.OrderBy(j => j.Name);
        var jobs = await (limit is { } take ? query.Take(take + 1) : query).ToListAsync(cancellationToken);
        var next = limit is { } size && jobs.Count > size ? jobs[size - 1].Name : null;
        if (next is not null)
        {
            jobs.RemoveRange(limit!.Value, jobs.Count - limit.Value);
        }

        // The whole list reads every row of each table once; a page reads its own jobs' rows only.
        IReadOnlyCollection<int>? only = after is null && next is null ? null : [.. jobs.Select(j => j.Id)];
        return new JobPage(await DescribeAsync(db, jobs, only, cancellationToken), next);
    }

    /// <summary>
    /// The jobs of <paramref name="ids"/> the acting user may see, in name order (a deleted or hidden one is absent),
    /// each table read once for them all: what a batch of changes costs, however many jobs it touched.
    /// </summary>
    public async Task<IReadOnlyList<JobDocument>> ListOfAsync(IReadOnlyCollection<int> ids, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var jobs = await db.Jobs.AsNoTracking().Where(j => ids.Contains(j.Id)).OrderBy(j => j.Name).ToListAsync(cancellationToken);
        return await DescribeAsync(db, jobs, [.. jobs.Select(j => j.Id)], cancellationToken);
    }

    /// <summary>The documents of <paramref name="jobs"/>; <paramref name="only"/> their ids, or null when they are every job.</summary>
    private async Task<List<JobDocument>> DescribeAsync(EtlDbContext db, List<Job> jobs, IReadOnlyCollection<int>? only, CancellationToken cancellationToken)
    {
        var upstreams = await UpstreamNamesAsync(db, only, cancellationToken);
        var latest = await LatestRuns.ReadAsync(db, only, cancellationToken);
        var progress = await LatestRuns.ItemsProgressAsync(db, latest, cancellationToken);
        var reasons = await waits.DescribeAsync(db, latest.Values, cancellationToken);
        var stateRows = db.ScheduleStates.AsNoTracking();
        var states = await (only is null ? stateRows : stateRows.Where(s => only.Contains(s.JobId))).ToDictionaryAsync(s => s.JobId, cancellationToken);
        var calendars = await CalendarQueries.ForJobsAsync(db, jobs, cancellationToken);
        var now = time.GetUtcNow();
        var tokens = await webhooks.RevealAsync(null, cancellationToken);
        return [.. jobs.Select(j => Describe(j, upstreams, latest, states.GetValueOrDefault(j.Id), calendars.Of(j), now) with
        {
            WebhookToken = tokens.GetValueOrDefault(j.Id),
            ItemsProgress = progress.GetValueOrDefault(j.Id),
            WaitingFor = latest.TryGetValue(j.Id, out var run) ? reasons.GetValueOrDefault(run.Id) : null,
        })];
    }

    /// <summary>The upstream links of the jobs given (of every job when null), each naming a job the acting user may see.</summary>
    private static async Task<ILookup<int, DependencyLink>> UpstreamNamesAsync(EtlDbContext db, IReadOnlyCollection<int>? only, CancellationToken cancellationToken)
    {
        var links = db.Dependencies.AsNoTracking();
        var edges = await (only is null ? links : links.Where(d => only.Contains(d.DownstreamJobId)))
            .Join(db.Jobs, d => d.UpstreamJobId, j => j.Id, (d, j) => new { d.DownstreamJobId, Link = new DependencyLink(j.Name, d.When, d.Condition) })
            .ToListAsync(cancellationToken);
        return edges.ToLookup(e => e.DownstreamJobId, e => e.Link);
    }
}
