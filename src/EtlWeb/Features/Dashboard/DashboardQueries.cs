using EtlWeb.Core.Jobs;
using EtlWeb.Core.Runs;
using EtlWeb.Data;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Features.Dashboard;

/// <summary>What the dashboard shows, read from the app DB; "today" and the hours are the viewer's.</summary>
public sealed class DashboardQueries(IDbContextFactory<EtlDbContext> dbFactory, TimeProvider time)
{
    /// <summary>How many successful runs make a job's typical duration.</summary>
    public const int TypicalSample = 20;

    public const int AttentionLimit = 50;

    public static readonly TimeSpan UpcomingWindow = TimeSpan.FromHours(24);

    private static readonly RunStatus[] Failures = [.. Enum.GetValues<RunStatus>().Where(DashboardStatuses.IsFailure)];

    private static readonly RunStatus[] Ended = [.. Enum.GetValues<RunStatus>().Where(s => s.IsTerminal())];

    /// <summary>
    /// Every part of the dashboard, each read on a connection of its own and all at once (SQLite's write-ahead log lets
    /// readers share the file): the page waits for the slowest read, not for their sum.
    /// </summary>
    public async Task<DashboardSnapshot> LoadAsync(TimeZoneInfo zone, CancellationToken cancellationToken = default)
    {
        var running = RunningAsync(cancellationToken);
        var today = TodayAsync(zone, cancellationToken);
        var attention = AttentionAsync(cancellationToken);
        var upcoming = UpcomingAsync(cancellationToken);
        var perHour = PerHourAsync(zone, cancellationToken);
        await Task.WhenAll(running, today, attention, upcoming, perHour);
        return new(await running, await today, await attention, await upcoming, await perHour);
    }

    /// <summary>The folders of the jobs the viewer may see, for the Folder filter.</summary>
    public async Task<IReadOnlyList<string>> FoldersAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Jobs.AsNoTracking().Select(j => j.Folder).Distinct().ToListAsync(cancellationToken);
    }

    /// <summary>Running runs, oldest first, each with its job's typical duration (median of its last successful runs).</summary>
    public async Task<IReadOnlyList<RunningRun>> RunningAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var running = await db.Runs.AsNoTracking().Where(r => r.Status == RunStatus.Running)
            .Join(db.Jobs, r => r.JobId, j => j.Id, (r, j) => new { r.Id, r.JobId, j.Name, r.StartedAt, r.QueuedAt, Attempt = r.Attempts.Max(a => (int?)a.Number) })
            .OrderBy(r => r.Id).ToListAsync(cancellationToken);
        var typical = new Dictionary<int, TimeSpan?>();
        foreach (var jobId in running.Select(r => r.JobId).Distinct())
        {
            var durations = await db.Runs.AsNoTracking()
                .Where(r => r.JobId == jobId && r.Status == RunStatus.Succeeded && r.StartedAt != null && r.FinishedAt != null)
                .OrderByDescending(r => r.Id).Take(TypicalSample)
                .Select(r => new { r.StartedAt, r.FinishedAt }).ToListAsync(cancellationToken);
            typical[jobId] = Median([.. durations.Select(d => d.FinishedAt!.Value - d.StartedAt!.Value)]);
        }

        return [.. running.Select(r => new RunningRun(r.Id, r.JobId, r.Name, r.StartedAt ?? r.QueuedAt, r.Attempt ?? 1, typical[r.JobId]))];
    }

    public async Task<TodaySummary> TodayAsync(TimeZoneInfo zone, CancellationToken cancellationToken = default)
    {
        var midnight = StartOfDay(time.GetUtcNow(), zone);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var counts = await CountAsync(db, midnight, null, cancellationToken);
        return new TodaySummary(counts.Total, counts.Succeeded, counts.Failed, counts.Total - counts.Ended);
    }

    /// <summary>
    /// How many runs were queued from <paramref name="from"/> (until <paramref name="until"/>), by outcome: one pass over
    /// the runs index by queued time, whose entries carry the status. No GROUP BY on the status, which would have the
    /// database walk the status index, every run of the history, to save sorting a handful of groups.
    /// </summary>
    private static async Task<RunCounts> CountAsync(EtlDbContext db, DateTimeOffset from, DateTimeOffset? until, CancellationToken cancellationToken)
    {
        var runs = db.Runs.AsNoTracking().Where(r => r.QueuedAt >= from);
        if (until is { } end)
        {
            runs = runs.Where(r => r.QueuedAt < end);
        }

        var counts = await runs.GroupBy(r => 1).Select(g => new RunCounts(
                g.Count(),
                g.Count(r => r.Status == RunStatus.Succeeded),
                g.Count(r => Failures.Contains(r.Status)),
                g.Count(r => Ended.Contains(r.Status))))
            .ToListAsync(cancellationToken);
        return counts.SingleOrDefault() ?? new RunCounts(0, 0, 0, 0);
    }

    /// <summary>Jobs whose latest run failed, timed out, was interrupted or had an upstream fail; newest first.</summary>
    public async Task<IReadOnlyList<AttentionItem>> AttentionAsync(CancellationToken cancellationToken = default)
    {
        RunStatus[] failures = [RunStatus.Failed, RunStatus.TimedOut, RunStatus.Interrupted, RunStatus.UpstreamFailed];
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // A for-each run's items are not the job's latest run: the for-each run speaks for them. One index seek per job,
        // not a pass over every run grouped by job.
        var latest = db.Jobs.Select(j => db.Runs.Where(r => r.JobId == j.Id && r.ParentRunId == null).OrderByDescending(r => r.Id).Select(r => (long?)r.Id).FirstOrDefault());
        var items = await db.Runs.AsNoTracking().Where(r => latest.Contains(r.Id) && failures.Contains(r.Status))
            .OrderByDescending(r => r.Id).Take(AttentionLimit)
            .Join(db.Jobs, r => r.JobId, j => j.Id, (r, j) => new { r.Id, r.JobId, j.Name, r.Status, r.FinishedAt, r.Reason })
            .ToListAsync(cancellationToken);
        return [.. items.OrderByDescending(a => a.Id).Select(a => new AttentionItem(a.Id, a.JobId, a.Name, a.Status, a.FinishedAt, a.Reason))];
    }

    public async Task<IReadOnlyList<UpcomingFire>> UpcomingAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var jobs = await db.Jobs.AsNoTracking().Where(j => j.Enabled && j.ScheduleKind != ScheduleKind.Manual).ToListAsync(cancellationToken);
        var states = await db.ScheduleStates.AsNoTracking().ToDictionaryAsync(s => s.JobId, cancellationToken);
        var calendars = await CalendarQueries.ForJobsAsync(db, jobs, cancellationToken);
        return UpcomingFires.Within(jobs, states, calendars, time.GetUtcNow(), UpcomingWindow);
    }

    /// <summary>The last 24 hours of the viewer's clock, the current hour last, with the runs queued in each.</summary>
    public async Task<IReadOnlyList<HourlyRuns>> PerHourAsync(TimeZoneInfo zone, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().ToUniversalTime();
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var currentHour = now - TimeSpan.FromTicks(local.TimeOfDay.Ticks % TimeSpan.TicksPerHour);
        var first = currentHour.AddHours(-23);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // An hour at a time: each a count over its stretch of the queued-time index, no run read.
        var hours = new List<HourlyRuns>(24);
        for (var h = 0; h < 24; h++)
        {
            var start = first.AddHours(h);
            var counts = await CountAsync(db, start, start.AddHours(1), cancellationToken);
            hours.Add(new HourlyRuns(start, counts.Succeeded, counts.Failed, counts.Total - counts.Succeeded - counts.Failed));
        }

        return hours;
    }

    /// <summary>Midnight of <paramref name="now"/>'s day in <paramref name="zone"/>, in UTC.</summary>
    /// <remarks>In UTC because the stored form (DateTimeOffsetToBinaryConverter) orders by clock ticks, not by instant.</remarks>
    public static DateTimeOffset StartOfDay(DateTimeOffset now, TimeZoneInfo zone)
    {
        var localMidnight = TimeZoneInfo.ConvertTime(now, zone).Date;
        return new DateTimeOffset(localMidnight, zone.GetUtcOffset(localMidnight)).ToUniversalTime();
    }

    public static TimeSpan? Median(IReadOnlyList<TimeSpan> durations)
    {
        if (durations.Count == 0)
        {
            return null;
        }

        var sorted = durations.Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private sealed record RunCounts(int Total, int Succeeded, int Failed, int Ended);
}
