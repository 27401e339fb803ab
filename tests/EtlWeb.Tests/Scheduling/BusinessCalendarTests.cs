using EtlWeb.Core.Jobs;
using EtlWeb.Core.Scheduling;

namespace EtlWeb.Tests.Scheduling;

public sealed class BusinessCalendarTests
{
    private static readonly CalendarDays Christmas = new("holidays", [new DateOnly(2026, 12, 25)]);

    private static readonly CalendarDays ChristmasWeek = new("holidays", [new DateOnly(2026, 12, 24), new DateOnly(2026, 12, 25), new DateOnly(2026, 12, 26)]);

    private static Job Cron(string expression, string zone, CalendarRule rule) => new()
    {
        Name = "j", ScheduleKind = ScheduleKind.Cron, CronExpression = expression, TimeZone = zone, Command = "true", Calendar = "holidays", CalendarRule = rule,
    };

    private static Job Interval(int minutes, CalendarRule rule) => new()
    {
        Name = "j", ScheduleKind = ScheduleKind.Interval, IntervalMinutes = minutes, TimeZone = "UTC", Command = "true", Calendar = "holidays", CalendarRule = rule,
    };

    private static List<DateTimeOffset> Fires(Job job, DateTimeOffset anchor, DateTimeOffset from, DateTimeOffset until, CalendarDays calendar)
    {
        var fires = new List<DateTimeOffset>();
        for (var next = ScheduleCalculator.NextAfter(job, anchor, from, calendar); next is { } due && due <= until; next = ScheduleCalculator.NextAfter(job, anchor, due, calendar))
        {
            fires.Add(due);
        }

        return fires;
    }

    private static DateTime Local(DateTimeOffset instant, string zone) => TimeZoneInfo.ConvertTime(instant, TimeZoneInfo.FindSystemTimeZoneById(zone)).DateTime;

    private static DateTimeOffset Year(string zone) => new(2026, 1, 1, 0, 0, 0, TimeZoneInfo.FindSystemTimeZoneById(zone).GetUtcOffset(new DateTime(2026, 1, 1)));

    [Theory]
    [InlineData("America/New_York")]
    [InlineData("Asia/Tokyo")]
    public void A_daily_cron_skips_christmas_in_its_own_zone_across_a_whole_year(string zone)
    {
        var start = Year(zone);

        var fires = Fires(Cron("0 2 * * *", zone, CalendarRule.Skip), start, start, start.AddYears(1), Christmas);

        Assert.Equal(364, fires.Count);
        // New York springs forward at 02:00 on 8 March: that day's fire is at the first valid instant after the gap.
        Assert.All(fires.Select(f => Local(f, zone)).Where(l => l.Date != new DateTime(2026, 3, 8)), l => Assert.Equal(new TimeOnly(2, 0), TimeOnly.FromDateTime(l)));
        Assert.DoesNotContain(fires, f => Local(f, zone).Date == new DateTime(2026, 12, 25));
        Assert.Single(fires, f => Local(f, zone).Date == new DateTime(2026, 12, 26));
    }

    [Theory]
    [InlineData("America/New_York")]
    [InlineData("Asia/Tokyo")]
    public void A_daily_cron_moved_off_christmas_is_one_fire_with_the_next_days_own(string zone)
    {
        var start = Year(zone);

        var fires = Fires(Cron("0 2 * * *", zone, CalendarRule.NextDay), start, start, start.AddYears(1), Christmas);

        Assert.Equal(364, fires.Count);
        Assert.DoesNotContain(fires, f => Local(f, zone).Date == new DateTime(2026, 12, 25));
        Assert.Single(fires, f => Local(f, zone) == new DateTime(2026, 12, 26, 2, 0, 0));
    }

    [Theory]
    [InlineData("America/New_York", CalendarRule.Skip, null)]
    [InlineData("Asia/Tokyo", CalendarRule.Skip, null)]
    [InlineData("America/New_York", CalendarRule.NextDay, 26)]
    [InlineData("Asia/Tokyo", CalendarRule.NextDay, 26)]
    public void A_friday_cron_on_christmas_is_skipped_or_moved_to_saturday(string zone, CalendarRule rule, int? movedTo)
    {
        var start = Year(zone);

        var fires = Fires(Cron("0 2 * * FRI", zone, rule), start, start, start.AddYears(1), Christmas);

        Assert.Equal(movedTo is null ? 51 : 52, fires.Count);
        Assert.DoesNotContain(fires, f => Local(f, zone).Date == new DateTime(2026, 12, 25));
        Assert.Equal(movedTo is { } day ? [new DateTime(2026, 12, day, 2, 0, 0)] : [], fires.Select(f => Local(f, zone)).Where(l => l.DayOfWeek != DayOfWeek.Friday));
    }

    [Fact]
    public void Fires_on_consecutive_calendar_days_move_to_the_first_free_day_as_one_fire()
    {
        var zone = "Asia/Tokyo";
        var start = new DateTimeOffset(2026, 12, 20, 0, 0, 0, TimeSpan.FromHours(9));

        var daily = Fires(Cron("0 2 * * *", zone, CalendarRule.NextDay), start, start, start.AddDays(10), ChristmasWeek).Select(f => Local(f, zone).Day);
        var friday = Fires(Cron("0 2 * * FRI", zone, CalendarRule.NextDay), start, start, start.AddDays(10), ChristmasWeek).Select(f => Local(f, zone).Day);

        Assert.Equal([20, 21, 22, 23, 27, 28, 29], daily);
        Assert.Equal([27], friday);
    }

    [Fact]
    public void An_interval_keeps_its_chain_and_only_loses_or_moves_the_fires_of_calendar_days()
    {
        var anchor = new DateTimeOffset(2026, 12, 24, 0, 0, 0, TimeSpan.Zero);
        var until = anchor.AddDays(3);

        var skipped = Fires(Interval(420, CalendarRule.Skip), anchor, anchor, until, Christmas);
        var moved = Fires(Interval(420, CalendarRule.NextDay), anchor, anchor, until, Christmas);

        var chain = Enumerable.Range(1, 20).Select(k => anchor.AddHours(7 * k)).Where(f => f <= until).ToList();
        Assert.Equal(chain.Where(f => f.Day != 25), skipped);
        var movedHere = chain.Where(f => f.Day == 25).Select(f => f.AddDays(1));
        Assert.Equal(chain.Where(f => f.Day != 25).Concat(movedHere).Where(f => f <= until).Order(), moved);
        Assert.All(skipped, f => Assert.Equal(0, (f - anchor).Ticks % TimeSpan.FromHours(7).Ticks));
    }

    [Fact]
    public void A_fire_the_calendar_skipped_during_a_downtime_is_not_missed_and_a_moved_one_is()
    {
        var anchor = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        var state = new ScheduleState { Anchor = anchor, LastFireAt = new DateTimeOffset(2026, 12, 24, 2, 0, 0, TimeSpan.Zero) };
        var until = new DateTimeOffset(2026, 12, 25, 23, 0, 0, TimeSpan.Zero);

        Assert.Null(ScheduleCalculator.LatestMissed(Cron("0 2 * * *", "UTC", CalendarRule.Skip), state, until, Christmas));
        Assert.Null(ScheduleCalculator.LatestMissed(Cron("0 2 * * *", "UTC", CalendarRule.NextDay), state, until, Christmas));
        Assert.Equal(new DateTimeOffset(2026, 12, 26, 2, 0, 0, TimeSpan.Zero),
            ScheduleCalculator.LatestMissed(Cron("0 2 * * *", "UTC", CalendarRule.NextDay), state, until.AddHours(4), Christmas));
        Assert.Equal(new DateTimeOffset(2026, 12, 25, 2, 0, 0, TimeSpan.Zero), ScheduleCalculator.LatestMissed(Cron("0 2 * * *", "UTC", CalendarRule.Skip), state, until));
    }

    [Fact]
    public void The_timeline_lists_each_removed_due_time_with_the_calendar_day_and_where_it_moved()
    {
        var job = Cron("0 2 * * FRI", "America/New_York", CalendarRule.NextDay);
        var schedule = CalendarSchedule.For(job, Year("America/New_York"), Christmas)!;

        var around = schedule.Between(new DateTimeOffset(2026, 12, 24, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 28, 0, 0, 0, TimeSpan.Zero)).ToList();

        Assert.Collection(around,
            removed => Assert.Equal((true, "25 Dec is in calendar 'holidays': moved to Sat 26 Dec 02:00"), (removed.Removed, removed.Detail)),
            moved => Assert.Equal((false, true, "moved from Fri 25 Dec 02:00"), (moved.Removed, moved.Moved, moved.Detail)));
    }
}
