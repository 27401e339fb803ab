using EtlWeb.Core.Jobs;
using EtlWeb.Core.Scheduling;

namespace EtlWeb.Tests.Scheduling;

/// <summary>
/// Cross-checks the scheduler's calculator (Cronos with the traditional day rule) against a naive matcher that looks
/// at every minute of a year in local time, forwards (next occurrences) and backwards (previous ones). The matcher
/// reads the day fields as Unix cron does: when both are restricted (neither is <c>*</c>), a day matching either runs.
/// Local times that a DST change makes missing or ambiguous are left to the dedicated DST tests; everywhere else the
/// two must agree exactly.
/// </summary>
public sealed class CronBruteForceTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        string[] expressions =
        [
            "0 9 * * 1-5", "*/15 * * * *", "30 2 * * *", "0 0 1 * *", "5,35 8-17/3 * * *", "0 12 * * 0",

            // Both day fields restricted: the 1st, the 15th and every Wednesday; every 13th and every Friday; the first
            // seven days and every Monday; every other day from the 2nd and weekends.
            "0 0 1,15 * 3", "30 6 13 * 5", "0 12 1-7 * 1", "45 23 2-31/2 * 0,6",
        ];
        string[] zones = ["America/New_York", "Europe/London", "Australia/Sydney"];
        foreach (var expression in expressions)
        {
            foreach (var zone in zones)
            {
                data.Add(expression, zone);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Next_occurrences_match_a_minute_by_minute_matcher_over_a_year(string expression, string zoneId)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        var job = new Job { Name = "x", Command = "true", ScheduleKind = ScheduleKind.Cron, CronExpression = expression, TimeZone = zoneId };
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var end = start.AddYears(1);
        var fields = expression.Split(' ');

        var expected = new List<DateTimeOffset>();
        for (var t = start.AddMinutes(1); t <= end; t = t.AddMinutes(1))
        {
            var local = TimeZoneInfo.ConvertTime(t, zone).DateTime;
            if (Unambiguous(zone, local) && Matches(fields, local))
            {
                expected.Add(t);
            }
        }

        var actual = new List<DateTimeOffset>();
        var cursor = start;
        while (ScheduleCalculator.NextAfter(job, start, cursor) is { } next && next <= end)
        {
            if (Unambiguous(zone, TimeZoneInfo.ConvertTime(next, zone).DateTime))
            {
                actual.Add(next);
            }

            cursor = next;
        }

        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual);

        var backwards = new List<DateTimeOffset>();
        for (var at = end; ScheduleCalculator.LatestAtOrBefore(job, start, at) is { } previous && previous > start; at = previous - TimeSpan.FromTicks(1))
        {
            if (Unambiguous(zone, TimeZoneInfo.ConvertTime(previous, zone).DateTime))
            {
                backwards.Add(previous);
            }
        }

        backwards.Reverse();
        Assert.Equal(expected, backwards);
    }

    /// <summary>Not within an hour of a transition, where local times are missing or repeated.</summary>
    private static bool Unambiguous(TimeZoneInfo zone, DateTime local) =>
        !zone.IsAmbiguousTime(local) && !zone.IsInvalidTime(local)
        && !zone.IsInvalidTime(local.AddHours(-1)) && !zone.IsAmbiguousTime(local.AddHours(1)) && !zone.IsAmbiguousTime(local.AddHours(-1));

    private static bool Matches(string[] fields, DateTime local) =>
        Field(fields[0], local.Minute, 0) && Field(fields[1], local.Hour, 0) && Field(fields[3], local.Month, 1) && Day(fields, local);

    /// <summary>Unix cron's day rule: with both day fields restricted either may match; with one of them *, the other decides.</summary>
    private static bool Day(string[] fields, DateTime local)
    {
        var dayOfMonth = Field(fields[2], local.Day, 1);
        var dayOfWeek = Field(fields[4], (int)local.DayOfWeek, 0);
        return fields[2] != "*" && fields[4] != "*" ? dayOfMonth || dayOfWeek : dayOfMonth && dayOfWeek;
    }

    private static bool Field(string field, int value, int min) => field.Split(',').Any(part =>
    {
        var step = 1;
        var slash = part.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            step = int.Parse(part[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            part = part[..slash];
        }

        int low, high;
        if (part == "*")
        {
            (low, high) = (min, int.MaxValue);
        }
        else if (part.Contains('-', StringComparison.Ordinal))
        {
            var bounds = part.Split('-');
            (low, high) = (int.Parse(bounds[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(bounds[1], System.Globalization.CultureInfo.InvariantCulture));
        }
        else
        {
            low = high = int.Parse(part, System.Globalization.CultureInfo.InvariantCulture);
        }

        return value >= low && value <= high && (value - low) % step == 0;
    });
}
