using EtlWeb.Core.Jobs;

namespace EtlWeb.Core.Scheduling;

/// <summary>
/// Fire times of a job's schedule. Cron follows Cronos in the job's zone (a time skipped by spring-forward
/// fires once at the first valid instant after the gap; a time repeated by fall-back fires once), with the
/// traditional day rule (<see cref="CronRule"/>). An interval fires at anchor + k * N minutes (k >= 1), so a late
/// fire never shifts the next one. A job's business calendar, when given, removes or moves the fires on its days
/// (<see cref="CalendarSchedule"/>); callers pass the calendar the job names, or null when it names none.
/// </summary>
public static class ScheduleCalculator
{
    /// <summary>The first due time strictly after <paramref name="after"/>, or null for manual, disabled or broken schedules.</summary>
    public static DateTimeOffset? NextAfter(Job job, DateTimeOffset anchor, DateTimeOffset after, CalendarDays? calendar = null)
    {
        if (!job.Enabled)
        {
            return null;
        }

        return CalendarSchedule.For(job, anchor, calendar) is { } withCalendar ? withCalendar.Next(after)?.Due : RegularNextAfter(job, anchor, after);
    }

    /// <summary>The first due time of the schedule itself strictly after <paramref name="after"/>, whether enabled or not, calendar aside.</summary>
    internal static DateTimeOffset? RegularNextAfter(Job job, DateTimeOffset anchor, DateTimeOffset after)
    {
        switch (job.ScheduleKind)
        {
            case ScheduleKind.Cron:
                if (!CronSchedule.TryParse(job.CronExpression, out var cron, out _) || !CronSchedule.TryResolveZone(job.TimeZone, out var zone))
                {
                    return null;
                }

                return cron!.GetNextOccurrence(after, zone, inclusive: false);
            case ScheduleKind.Interval when job.IntervalMinutes >= 1:
                var period = TimeSpan.FromMinutes(job.IntervalMinutes);
                if (after < anchor + period)
                {
                    return anchor + period;
                }

                var elapsed = (after - anchor).Ticks / period.Ticks;
                return anchor + (period * (elapsed + 1));
            default:
                return null;
        }
    }

    /// <summary>The last due time at or before <paramref name="at"/>, or null for manual, disabled or broken schedules and before the first.</summary>
    public static DateTimeOffset? LatestAtOrBefore(Job job, DateTimeOffset anchor, DateTimeOffset at, CalendarDays? calendar = null)
    {
        if (!job.Enabled)
        {
            return null;
        }

        return CalendarSchedule.For(job, anchor, calendar) is { } withCalendar ? withCalendar.Latest(at)?.Due : RegularLatestAtOrBefore(job, anchor, at);
    }

    /// <summary>The last due time of the schedule itself at or before <paramref name="at"/>, whether enabled or not, calendar aside.</summary>
    internal static DateTimeOffset? RegularLatestAtOrBefore(Job job, DateTimeOffset anchor, DateTimeOffset at)
    {
        switch (job.ScheduleKind)
        {
            case ScheduleKind.Cron:
                return CronSchedule.TryParse(job.CronExpression, out var cron, out _) && CronSchedule.TryResolveZone(job.TimeZone, out var zone)
                    ? cron!.GetPreviousOccurrence(at, zone, inclusive: true)
                    : null;
            case ScheduleKind.Interval when job.IntervalMinutes >= 1:
                var period = TimeSpan.FromMinutes(job.IntervalMinutes);
                var elapsed = (at - anchor).Ticks / period.Ticks;
                return at >= anchor && elapsed >= 1 ? anchor + (period * elapsed) : null;
            default:
                return null;
        }
    }

    /// <summary>The next due time the scheduler will act on, after pauses; skipped fires still count (they are recorded).</summary>
    public static DateTimeOffset? NextFire(Job job, ScheduleState state, DateTimeOffset now, CalendarDays? calendar = null)
    {
        var from = state.LastFireAt is { } last && last > now ? last : now;
        if (state.PausedUntil is { } paused && paused > from)
        {
            // A fire exactly at the end of the pause is allowed.
            from = paused - TimeSpan.FromTicks(1);
        }

        return NextAfter(job, state.Anchor, from, calendar);
    }

    /// <summary>
    /// The latest due time in (since, until] when there was one: the node was down across it (since is the last fire,
    /// or the schedule's anchor, or the end of a pause); null when nothing was missed. A fire the calendar removed is not
    /// a missed one.
    /// </summary>
    public static DateTimeOffset? LatestMissed(Job job, ScheduleState state, DateTimeOffset until, CalendarDays? calendar = null)
    {
        var since = state.LastFireAt is { } last && last > state.Anchor ? last : state.Anchor;
        if (state.PausedUntil is { } paused && paused > since)
        {
            since = paused - TimeSpan.FromTicks(1);
        }

        return LatestAtOrBefore(job, state.Anchor, until, calendar) is { } due && due > since ? due : null;
    }

    /// <summary>
    /// Whether an edit from <paramref name="before"/> to <paramref name="after"/> starts the schedule afresh (its anchor
    /// becomes the time of the edit): a new schedule, or a disabled job enabled.
    /// </summary>
    public static bool Restarts(Job before, Job after) =>
        before.ScheduleKind != after.ScheduleKind
        || before.CronExpression != after.CronExpression
        || before.TimeZone != after.TimeZone
        || before.IntervalMinutes != after.IntervalMinutes
        || (!before.Enabled && after.Enabled);
}
