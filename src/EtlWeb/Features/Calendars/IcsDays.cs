using System.Runtime.Serialization;
using Ical.Net;
using Ical.Net.DataTypes;

namespace EtlWeb.Features.Calendars;

/// <summary>
/// The days of an iCalendar file (Ical.Net): every VEVENT's occurrences in a window, an all-day or multi-day one as
/// each of its days (its end is exclusive), a timed one as the date of its start in its own zone; a recurring one (RRULE)
/// expanded over the window.
/// </summary>
public static class IcsDays
{
    /// <summary>Recurring events are expanded from this long before now.</summary>
    public const int YearsBack = 1;

    /// <summary>... to this long after now.</summary>
    public const int YearsAhead = 5;

    /// <summary>The days of <paramref name="text"/> in [from, to), ascending; false with a message when it is not iCalendar.</summary>
    public static bool TryRead(string text, DateOnly from, DateOnly to, out SortedSet<DateOnly> days, out string error)
    {
        days = [];
        error = "";
        Ical.Net.Calendar? calendar;
        try
        {
            calendar = text.TrimStart().StartsWith("BEGIN:VCALENDAR", StringComparison.OrdinalIgnoreCase) ? Ical.Net.Calendar.Load(text) : null;
        }
        catch (SerializationException ex)
        {
            error = $"The file is not iCalendar: {ex.Message}";
            return false;
        }

        if (calendar is null)
        {
            error = "The file is not iCalendar: it does not begin with BEGIN:VCALENDAR.";
            return false;
        }

        var start = new CalDateTime(from);
        var end = new CalDateTime(to);
        try
        {
            foreach (var calendarEvent in calendar.Events.Where(e => e.DtStart is not null))
            {
                foreach (var occurrence in calendarEvent.GetOccurrences(start).TakeWhileBefore(end))
                {
                    // An all-day event's end is exclusive; a timed one counts on the date it starts.
                    var period = occurrence.Period;
                    var first = period.StartTime.Date;
                    var last = period.StartTime.HasTime || period.EffectiveEndTime is not { } stop || stop.Date <= first ? first : stop.Date.AddDays(-1);
                    for (var day = first > from ? first : from; day <= last && day < to; day = day.AddDays(1))
                    {
                        days.Add(day);
                    }
                }
            }
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException or Ical.Net.Evaluation.EvaluationException)
        {
            error = $"An event of the file cannot be read: {ex.Message}";
            return false;
        }

        return true;
    }
}
