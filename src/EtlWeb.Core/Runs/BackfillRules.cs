using EtlWeb.Core.Jobs;
using EtlWeb.Core.Scheduling;

namespace EtlWeb.Core.Runs;

/// <summary>The rules of a backfill: which due times a range covers, in which order they start, how many at once.</summary>
public static class BackfillRules
{
    /// <summary>The most due times one backfill covers.</summary>
    public const int MaxDueTimes = 10_000;

    public const int MaxParallelLimit = 50;

    /// <summary>
    /// The due times of the job's schedule from <paramref name="from"/> to <paramref name="to"/>, both included, oldest
    /// first, as the scheduler would have fired them (cron in the job's zone; an interval from its anchor; the fires its
    /// calendar removes left out, those it moves at their new time); at most <see cref="MaxDueTimes"/> + 1, so a caller
    /// can tell a range that covers too many.
    /// </summary>
    public static IReadOnlyList<DateTimeOffset> DueTimes(Job job, DateTimeOffset anchor, DateTimeOffset from, DateTimeOffset to, CalendarDays? calendar = null)
    {
        var schedule = new Job
        {
            Enabled = true,
            ScheduleKind = job.ScheduleKind,
            CronExpression = job.CronExpression,
            TimeZone = job.TimeZone,
            IntervalMinutes = job.IntervalMinutes,
            Calendar = job.Calendar,
            CalendarRule = job.CalendarRule,
        };
        if (job.ScheduleKind == ScheduleKind.Interval && job.IntervalMinutes >= 1)
        {
            // The interval's lattice anchor + k * N, also before the anchor: a range may predate the job.
            var period = TimeSpan.FromMinutes(job.IntervalMinutes).Ticks;
            var steps = (long)Math.Ceiling((from - anchor).Ticks / (double)period);
            anchor += TimeSpan.FromTicks((steps - 1) * period);
        }

        var due = new List<DateTimeOffset>();
        var next = ScheduleCalculator.NextAfter(schedule, anchor, from - TimeSpan.FromTicks(1), calendar);
        while (next is { } at && at <= to && due.Count <= MaxDueTimes)
        {
            due.Add(at);
            next = ScheduleCalculator.NextAfter(schedule, anchor, at, calendar);
        }

        return due;
    }

    /// <summary>The due times to run, in the order they start.</summary>
    public static IReadOnlyList<DateTimeOffset> Plan(
        IReadOnlyList<DateTimeOffset> dueTimes, IReadOnlySet<DateTimeOffset> succeeded, BackfillMode mode, BackfillOrder order)
    {
        var chosen = mode == BackfillMode.Missing ? dueTimes.Where(d => !succeeded.Contains(d)) : dueTimes;
        return [.. order == BackfillOrder.Oldest ? chosen.Order() : chosen.OrderDescending()];
    }

    /// <summary>How many more pipeline runs may start now: the cap less the ones still active, none once cancelled.</summary>
    public static int ToStart(int maxParallel, int active, int pending, bool cancelled) =>
        cancelled ? 0 : Math.Clamp(maxParallel - active, 0, pending);
}
