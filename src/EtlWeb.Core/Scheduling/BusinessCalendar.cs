using System.Globalization;

namespace EtlWeb.Core.Scheduling;

/// <summary>
/// A named set of days (holidays, blackout dates) that Cron and Interval jobs can keep clear of: a job naming it skips
/// a fire that falls on one of its days, or moves it to the next day not in it (<see cref="Jobs.CalendarRule"/>).
/// </summary>
public sealed class BusinessCalendar
{
    public string Name { get; set; } = "";

    public string Description { get; set; } = "";

    /// <summary>The days, ascending and distinct; dates in the zone of each job that names the calendar.</summary>
    public List<DateOnly> Days { get; set; } = [];

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>The days of a calendar as the schedule reads them.</summary>
public sealed class CalendarDays
{
    private readonly HashSet<DateOnly> _days;

    public CalendarDays(string name, IEnumerable<DateOnly> days)
    {
        Name = name;
        _days = [.. days];
    }

    public string Name { get; }

    public static CalendarDays Of(BusinessCalendar calendar) => new(calendar.Name, calendar.Days);

    public bool Contains(DateOnly day) => _days.Contains(day);

    /// <summary>The first day after <paramref name="day"/> that is not in the calendar.</summary>
    public DateOnly FirstFreeAfter(DateOnly day)
    {
        var next = day.AddDays(1);
        while (_days.Contains(next))
        {
            next = next.AddDays(1);
        }

        return next;
    }

    /// <summary>Why a fire on <paramref name="day"/> does not happen there: "25 Dec is in calendar 'holidays'".</summary>
    public string Reason(DateOnly day) => $"{Show(day)} is in calendar '{Name}'";

    /// <summary>A day as the fire timeline and the editor name it: "25 Dec".</summary>
    public static string Show(DateOnly day) => day.ToString("d MMM", CultureInfo.InvariantCulture);
}
