using CsCheck;
using EtlWeb.Core.Jobs;
using EtlWeb.Core.Scheduling;

namespace EtlWeb.Tests.Scheduling;

/// <summary>The calendar's fires against a brute force: every regular due time, removed or moved by hand.</summary>
public sealed class BusinessCalendarPropertyTests
{
    private static readonly DateOnly First = new(2026, 3, 1);

    private static readonly string[] Crons = ["0 2 * * *", "30 23 * * *", "0 */5 * * *", "15 1,13 * * MON-FRI", "0 2 * * FRI", "30 2 * * *"];

    private static readonly string[] Zones = ["America/New_York", "Asia/Tokyo", "UTC", "Europe/Berlin"];

    private static readonly Gen<(Job Job, CalendarDays Days, int Probe)> Case = Gen.Select(
        Gen.Int[0, Crons.Length - 1].Select(i => Crons[i]), Gen.Int[0, Zones.Length - 1].Select(i => Zones[i]), Gen.Enum<CalendarRule>(), Gen.Int[0, 40].HashSet[0, 15], Gen.Bool, Gen.Int[0, 40 * 24 * 60],
        (cron, zone, rule, offsets, interval, probe) => (new Job
        {
            Name = "j", Command = "true", ScheduleKind = interval ? ScheduleKind.Interval : ScheduleKind.Cron, CronExpression = cron, IntervalMinutes = (7 * 60) + 13,
            TimeZone = zone, Calendar = "c", CalendarRule = rule,
        }, new CalendarDays("c", offsets.Select(o => First.AddDays(o))), probe));

    [Fact]
    public void Next_and_latest_agree_with_moving_every_regular_due_time_by_hand()
    {
        Case.Sample(sample =>
        {
            var (job, days, probe) = sample;
            var start = new DateTimeOffset(First.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            var anchor = start.AddDays(-20);
            var end = start.AddDays(40);
            var expected = Expected(job, days, anchor, start.AddDays(70));

            var fires = new List<DateTimeOffset>();
            for (var next = ScheduleCalculator.NextAfter(job, anchor, start, days); next is { } due && due <= end; next = ScheduleCalculator.NextAfter(job, anchor, due, days))
            {
                fires.Add(due);
            }

            Assert.Equal(expected.Where(e => e > start && e <= end), fires);
            var at = start.AddMinutes(probe);
            Assert.Equal(expected.LastOrDefault(e => e <= at), ScheduleCalculator.LatestAtOrBefore(job, anchor, at, days) ?? default);
        });
    }

    /// <summary>Every regular due time from the anchor, kept, dropped or moved to the same local time of the next free day.</summary>
    private static List<DateTimeOffset> Expected(Job job, CalendarDays days, DateTimeOffset anchor, DateTimeOffset until)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(job.TimeZone);
        var fires = new SortedSet<DateTimeOffset>();
        for (var next = ScheduleCalculator.NextAfter(job, anchor, anchor); next is { } r && r <= until; next = ScheduleCalculator.NextAfter(job, anchor, r))
        {
            var local = TimeZoneInfo.ConvertTime(r, zone).DateTime;
            var day = DateOnly.FromDateTime(local);
            if (!days.Contains(day))
            {
                fires.Add(r);
            }
            else if (job.CalendarRule == CalendarRule.NextDay)
            {
                fires.Add(At(zone, days.FirstFreeAfter(day).ToDateTime(TimeOnly.FromDateTime(local))));
            }
        }

        return [.. fires];
    }

    /// <summary>A local time as Cronos fires it: in a spring-forward gap at the gap's end, when repeated the first time.</summary>
    private static DateTimeOffset At(TimeZoneInfo zone, DateTime local)
    {
        var minute = new DateTime(local.Year, local.Month, local.Day, local.Hour, local.Minute, 0, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(minute))
        {
            minute = minute.AddMinutes(1);
            local = minute;
        }

        return new DateTimeOffset(local, zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local));
    }
}
