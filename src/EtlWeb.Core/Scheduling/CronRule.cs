using Cronos;

namespace EtlWeb.Core.Scheduling;

/// <summary>
/// A parsed cron expression with the traditional day rule on top of Cronos: when both the day-of-month and the
/// day-of-week fields are restricted (neither is <c>*</c> or <c>?</c>), a day matches if either does, as Vixie cron,
/// POSIX crontab and croniter (the desktop tool's library) read it; Cronos alone would need both. Such an expression is
/// kept as two Cronos expressions, one per day field, whose earliest occurrence wins, so Cronos still decides every
/// time of day and every DST question. A field that is exactly <c>*</c> (or Quartz's <c>?</c>) leaves the other to decide.
/// </summary>
public sealed class CronRule
{
    /// <summary>How far back a previous occurrence is looked for: an expression that matched nothing in it has none.</summary>
    private static readonly TimeSpan LongestLookBack = TimeSpan.FromDays(366 * 30);

    private readonly CronExpression[] _expressions;

    private CronRule(CronExpression[] expressions, bool eitherDay)
    {
        _expressions = expressions;
        EitherDay = eitherDay;
    }

    /// <summary>Whether both day fields are restricted, so that a day matching either runs.</summary>
    public bool EitherDay { get; }

    /// <param name="fields">The expression's fields (5, or 6 with seconds first); a macro such as @daily is one field.</param>
    /// <exception cref="CronFormatException">Cronos refuses the expression.</exception>
    internal static CronRule Parse(string[] fields, CronFormat format)
    {
        var expression = string.Join(' ', fields);
        var (dayOfMonth, dayOfWeek) = format == CronFormat.IncludeSeconds ? (3, 5) : (2, 4);
        if (fields.Length <= dayOfWeek || !Restricted(fields[dayOfMonth]) || !Restricted(fields[dayOfWeek]))
        {
            return new CronRule([CronExpression.Parse(expression, format)], eitherDay: false);
        }

        return new CronRule([CronExpression.Parse(With(fields, dayOfWeek, "*"), format), CronExpression.Parse(With(fields, dayOfMonth, "*"), format)], eitherDay: true);
    }

    /// <summary>The first occurrence after <paramref name="from"/> (or at it, when inclusive) in <paramref name="zone"/>; null when there is none.</summary>
    public DateTimeOffset? GetNextOccurrence(DateTimeOffset from, TimeZoneInfo zone, bool inclusive)
    {
        DateTimeOffset? earliest = null;
        foreach (var expression in _expressions)
        {
            if (expression.GetNextOccurrence(from, zone, inclusive) is { } next && (earliest is null || next < earliest))
            {
                earliest = next;
            }
        }

        return earliest;
    }

    /// <summary>Which day field an occurrence of an either-day expression matched; <see cref="CronDayMatch.NotApplicable"/> otherwise.</summary>
    public CronDayMatch DayMatchOf(DateTimeOffset occurrence, TimeZoneInfo zone)
    {
        if (!EitherDay)
        {
            return CronDayMatch.NotApplicable;
        }

        var byDayOfMonth = _expressions[0].GetNextOccurrence(occurrence, zone, inclusive: true) == occurrence;
        var byDayOfWeek = _expressions[1].GetNextOccurrence(occurrence, zone, inclusive: true) == occurrence;
        return (byDayOfMonth, byDayOfWeek) switch
        {
            (true, true) => CronDayMatch.Both,
            (true, false) => CronDayMatch.DayOfMonth,
            _ => CronDayMatch.DayOfWeek,
        };
    }

    /// <summary>
    /// The last occurrence before <paramref name="to"/> (or at it, when inclusive); null when there was none in the last
    /// 30 years. Cronos only looks forward, so windows reaching further back are searched until one holds an occurrence.
    /// </summary>
    public DateTimeOffset? GetPreviousOccurrence(DateTimeOffset to, TimeZoneInfo zone, bool inclusive)
    {
        for (var window = TimeSpan.FromMinutes(1); window <= LongestLookBack * 4; window *= 4)
        {
            var from = to - Min(window, LongestLookBack);
            DateTimeOffset? latest = null;
            foreach (var expression in _expressions)
            {
                foreach (var occurrence in expression.GetOccurrences(from, to, zone, fromInclusive: true, toInclusive: inclusive))
                {
                    if (latest is null || occurrence > latest)
                    {
                        latest = occurrence;
                    }
                }
            }

            if (latest is not null || window >= LongestLookBack)
            {
                return latest;
            }
        }

        return null;
    }

    private static bool Restricted(string field) => field is not ("*" or "?");

    private static string With(string[] fields, int index, string value) =>
        string.Join(' ', fields.Select((field, i) => i == index ? value : field));

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}

/// <summary>Why an either-day expression fired on a day: its day of the month, its weekday, or both.</summary>
public enum CronDayMatch
{
    NotApplicable,
    DayOfMonth,
    DayOfWeek,
    Both,
}
