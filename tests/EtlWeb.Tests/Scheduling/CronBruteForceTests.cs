using EtlWeb.Core.Jobs;
using EtlWeb.Core.Scheduling;

namespace EtlWeb.Tests.Scheduling;

/// <summary>
/// Cross-checks Cronos (through the scheduler's calculator) against a naive matcher that looks at every
/// minute of a year in local time. Local times that a DST change makes missing or ambiguous are left to the
/// dedicated DST tests; everywhere else the two must agree exactly.
/// </summary>
public sealed class CronBruteForceTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        string[] expressions = ["0 9 * * 1-5", "*/15 * * * *", "30 2 * * *", "0 0 1 * *", "5,35 8-17/3 * * *", "0 12 * * 0"];
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
    }

    /// <summary>Not within an hour of a transition, where local times are missing or repeated.</summary>
    private static bool Unambiguous(TimeZoneInfo zone, DateTime local) =>
        !zone.IsAmbiguousTime(local) && !zone.IsInvalidTime(local)
        && !zone.IsInvalidTime(local.AddHours(-1)) && !zone.IsAmbiguousTime(local.AddHours(1)) && !zone.IsAmbiguousTime(local.AddHours(-1));

    private static bool Matches(string[] fields, DateTime local) =>
        Field(fields[0], local.Minute, 0) && Field(fields[1], local.Hour, 0) && Field(fields[2], local.Day, 1)
        && Field(fields[3], local.Month, 1) && Field(fields[4], (int)local.DayOfWeek, 0);

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
