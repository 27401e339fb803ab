using System.Globalization;
using EtlWeb.Core.Jobs;

namespace EtlWeb.Core.Scheduling;

/// <summary>
/// A fire of a schedule with a calendar: <paramref name="Due"/> is when it happens, <paramref name="Regular"/> the due
/// time of the schedule it comes from (earlier when the calendar moved it); a <paramref name="Removed"/> one is a regular
/// due time on a calendar day, which does not happen there (skipped, or moved to a later fire).
/// </summary>
public sealed record CalendarFire(DateTimeOffset Due, DateTimeOffset Regular, bool Removed, string Detail)
{
    public bool Moved => !Removed && Due != Regular;
}

/// <summary>
/// A job's schedule with its business calendar applied. Days are dates in the job's zone. A regular due time on a
/// calendar day is removed (<see cref="CalendarRule.Skip"/>), or moved to the same local time on the next day not in the
/// calendar (<see cref="CalendarRule.NextDay"/>), where it is one fire with a regular due time at the same instant. The
/// regular due times themselves do not change: an interval keeps its chain anchor + k * N.
/// </summary>
public sealed class CalendarSchedule
{
    // A moved fire keeps its local time of day; a daylight saving change shifts instants within a day by at most this.
    private static readonly TimeSpan DaylightShift = TimeSpan.FromHours(2);

    private readonly Job _job;
    private readonly DateTimeOffset _anchor;
    private readonly CalendarDays _days;
    private readonly TimeZoneInfo _zone;

    private CalendarSchedule(Job job, DateTimeOffset anchor, CalendarDays days, TimeZoneInfo zone)
    {
        _job = job;
        _anchor = anchor;
        _days = days;
        _zone = zone;
    }

    /// <summary>The job's schedule with the calendar, or null when it names none or has no fires (a manual job, a broken zone).</summary>
    public static CalendarSchedule? For(Job job, DateTimeOffset anchor, CalendarDays? calendar) =>
        calendar is not null && job.Calendar.Length > 0 && job.ScheduleKind != ScheduleKind.Manual && CronSchedule.TryResolveZone(job.TimeZone, out var zone)
            ? new CalendarSchedule(job, anchor, calendar, zone)
            : null;

    /// <summary>The first fire strictly after <paramref name="after"/>, with the regular due time it comes from.</summary>
    public CalendarFire? Next(DateTimeOffset after)
    {
        var from = after.AddTicks(1);
        var day = Land(DateOf(after));
        while (true)
        {
            if (!_days.Contains(day) && First(day, from) is { } fire)
            {
                return fire;
            }

            // On to the day of the next regular due time (or the free day its calendar days move it to).
            var end = StartOf(day.AddDays(1)).AddTicks(-1);
            if (Regular(end > after ? end : after) is not { } next)
            {
                return null;
            }

            day = Land(DateOf(next));
        }
    }

    /// <summary>The last fire at or before <paramref name="at"/>.</summary>
    public CalendarFire? Latest(DateTimeOffset at)
    {
        var day = DateOf(at);
        while (true)
        {
            if (!_days.Contains(day) && On(day).LastOrDefault(f => f.Due <= at) is { } fire)
            {
                return fire;
            }

            // Back past the calendar days whose fires move to this day (they were just counted), to the regular due time before them.
            var start = day;
            while (_job.CalendarRule == CalendarRule.NextDay && _days.Contains(start.AddDays(-1)))
            {
                start = start.AddDays(-1);
            }

            if (RegularLatest(StartOf(start).AddTicks(-1)) is not { } previous)
            {
                return null;
            }

            day = Land(DateOf(previous));
        }
    }

    /// <summary>Every due time in [from, to), earliest first: the fires, and the regular due times the calendar removed.</summary>
    public IEnumerable<CalendarFire> Between(DateTimeOffset from, DateTimeOffset to)
    {
        var removed = new List<CalendarFire>();
        for (var regular = Regular(from.AddTicks(-1)); regular is { } r && r < to; regular = Regular(r))
        {
            var day = DateOf(r);
            if (_days.Contains(day))
            {
                var where = _job.CalendarRule == CalendarRule.NextDay ? $": moved to {ShowLocal(Move(r, _days.FirstFreeAfter(day)))}" : "";
                removed.Add(new CalendarFire(r, r, true, $"{_days.Reason(day)}{where}"));
            }
        }

        var fires = new List<CalendarFire>();
        for (var fire = Next(from.AddTicks(-1)); fire is { } f && f.Due < to; fire = Next(f.Due))
        {
            fires.Add(f);
        }

        return fires.Concat(removed).OrderBy(f => f.Due).ThenBy(f => f.Removed);
    }

    /// <summary>The earliest fire on a free <paramref name="day"/> at or after <paramref name="from"/>.</summary>
    private CalendarFire? First(DateOnly day, DateTimeOffset from)
    {
        var since = from > StartOf(day) ? from : StartOf(day);
        var best = Regular(since.AddTicks(-1)) is { } r && r < StartOf(day.AddDays(1)) ? Fire(r, r) : null;

        // The regular due times of each calendar day before it move here in order: the first that lands at or after
        // `from` is that day's candidate. Those well before `since`'s time of day are passed over unread.
        var skip = since - StartOf(day) - DaylightShift;
        foreach (var calendarDay in BlockBefore(day))
        {
            var end = StartOf(calendarDay.AddDays(1));
            var begin = StartOf(calendarDay) + (skip > TimeSpan.Zero ? skip : TimeSpan.Zero);
            for (var next = Regular(begin.AddTicks(-1)); next is { } n && n < end; next = Regular(n))
            {
                var moved = Move(n, day);
                if (moved >= from)
                {
                    best = best is null || moved < best.Due ? Fire(moved, n) : best;
                    break;
                }
            }
        }

        return best;
    }

    /// <summary>Every fire on a free <paramref name="day"/>, earliest first.</summary>
    private List<CalendarFire> On(DateOnly day)
    {
        var fires = new List<CalendarFire>();
        var end = StartOf(day.AddDays(1));
        foreach (var source in BlockBefore(day).Append(day))
        {
            var sourceEnd = StartOf(source.AddDays(1));
            for (var next = Regular(StartOf(source).AddTicks(-1)); next is { } n && n < sourceEnd && n < end; next = Regular(n))
            {
                fires.Add(Fire(source == day ? n : Move(n, day), n));
            }
        }

        return [.. fires.OrderBy(f => f.Due).ThenBy(f => f.Moved).DistinctBy(f => f.Due)];
    }

    /// <summary>The calendar days right before a free day whose fires move to it (none with the rule Skip), latest first.</summary>
    private IEnumerable<DateOnly> BlockBefore(DateOnly free)
    {
        for (var day = free.AddDays(-1); _job.CalendarRule == CalendarRule.NextDay && _days.Contains(day); day = day.AddDays(-1))
        {
            yield return day;
        }
    }

    /// <summary>The day whose fires a regular due time on <paramref name="day"/> counts among: itself, or the free day it moves to.</summary>
    private DateOnly Land(DateOnly day) =>
        _days.Contains(day) && _job.CalendarRule == CalendarRule.NextDay ? _days.FirstFreeAfter(day) : day;

    private CalendarFire Fire(DateTimeOffset due, DateTimeOffset regular) =>
        new(due, regular, false, due == regular ? "" : $"moved from {ShowLocal(regular)}");

    private DateTimeOffset? Regular(DateTimeOffset after) => ScheduleCalculator.RegularNextAfter(_job, _anchor, after);

    private DateTimeOffset? RegularLatest(DateTimeOffset at) => ScheduleCalculator.RegularLatestAtOrBefore(_job, _anchor, at);

    private DateOnly DateOf(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, _zone).DateTime);

    private DateTimeOffset StartOf(DateOnly day) => Instant(day.ToDateTime(TimeOnly.MinValue));

    /// <summary>The regular due time at its local time of day on <paramref name="day"/>.</summary>
    private DateTimeOffset Move(DateTimeOffset regular, DateOnly day) =>
        Instant(day.ToDateTime(TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(regular, _zone).DateTime)));

    /// <summary>
    /// A local time of the zone as an instant, as Cronos fires it: a time skipped by spring-forward at the first valid
    /// minute after the gap; a time repeated by fall-back at its first occurrence.
    /// </summary>
    private DateTimeOffset Instant(DateTime local)
    {
        while (_zone.IsInvalidTime(local))
        {
            local = local.AddTicks(-(local.Ticks % TimeSpan.TicksPerMinute)).AddMinutes(1);
        }

        var offset = _zone.IsAmbiguousTime(local) ? _zone.GetAmbiguousTimeOffsets(local).Max() : _zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }

    private string ShowLocal(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, _zone).ToString("ddd d MMM HH:mm", CultureInfo.InvariantCulture);
}
