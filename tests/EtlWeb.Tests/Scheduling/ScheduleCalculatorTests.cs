using EtlWeb.Core.Jobs;
using EtlWeb.Core.Scheduling;

namespace EtlWeb.Tests.Scheduling;

public sealed class ScheduleCalculatorTests
{
    private static Job Cron(string expression, string zone = "UTC") =>
        new() { Name = "j", ScheduleKind = ScheduleKind.Cron, CronExpression = expression, TimeZone = zone, Command = "true" };

    private static DateTimeOffset Utc(int y, int mo, int d, int h, int mi, int s = 0) => new(y, mo, d, h, mi, s, TimeSpan.Zero);

    private static List<DateTimeOffset> Fires(Job job, DateTimeOffset from, DateTimeOffset until)
    {
        var fires = new List<DateTimeOffset>();
        var cursor = from;
        while (ScheduleCalculator.NextAfter(job, from, cursor) is { } next && next <= until)
        {
            fires.Add(next);
            cursor = next;
        }

        return fires;
    }

    [Fact]
    public void Every_minute_cron_fires_on_each_minute_boundary()
    {
        var fires = Fires(Cron("* * * * *"), Utc(2026, 1, 1, 10, 0, 30), Utc(2026, 1, 1, 10, 5));

        Assert.Equal([Utc(2026, 1, 1, 10, 1), Utc(2026, 1, 1, 10, 2), Utc(2026, 1, 1, 10, 3), Utc(2026, 1, 1, 10, 4), Utc(2026, 1, 1, 10, 5)], fires);
    }

    [Fact]
    public void With_both_day_fields_restricted_a_day_matching_either_runs_as_in_unix_cron_and_croniter()
    {
        // From 2026-12-06 croniter's next fire of this expression is Wednesday 2026-12-09; Cronos alone says 2027-09-01.
        var job = Cron("0 0 1,15 * 3");

        var fires = Fires(job, Utc(2026, 12, 6, 0, 0), Utc(2027, 1, 16, 0, 0));

        Assert.Equal(
            [Utc(2026, 12, 9, 0, 0), Utc(2026, 12, 15, 0, 0), Utc(2026, 12, 16, 0, 0), Utc(2026, 12, 23, 0, 0), Utc(2026, 12, 30, 0, 0),
             Utc(2027, 1, 1, 0, 0), Utc(2027, 1, 6, 0, 0), Utc(2027, 1, 13, 0, 0), Utc(2027, 1, 15, 0, 0)],
            fires);
    }

    [Fact]
    public void A_day_both_rules_match_in_a_spring_forward_gap_fires_once_at_the_first_valid_instant()
    {
        // 2026-03-08 is the 8th and a Sunday, and New York skips 02:00-03:00 that night.
        var fires = Fires(Cron("30 2 8 * 0", "America/New_York"), Utc(2026, 3, 7, 12, 0), Utc(2026, 3, 9, 12, 0));

        Assert.Equal([Utc(2026, 3, 8, 7, 0)], fires);
    }

    [Theory]
    [InlineData("0 0 1,15 * *", "2026-12-15")]
    [InlineData("0 0 * * 3", "2026-12-09")]
    [InlineData("0 0 ? * 3", "2026-12-09")]
    [InlineData("0 0 0 1 * ?", "2027-01-01")]
    [InlineData("0 0 0 13 * 5", "2026-12-11")]
    public void A_day_field_that_is_star_or_quartz_question_mark_leaves_the_other_to_decide_alone_and_six_fields_follow_the_same_rule(string expression, string next) =>
        Assert.Equal(DateTimeOffset.Parse(next + "T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture), ScheduleCalculator.NextAfter(Cron(expression), Utc(2026, 12, 6, 0, 0), Utc(2026, 12, 6, 0, 0)));

    [Fact]
    public void The_latest_due_time_looks_back_across_both_day_rules_and_across_a_quiet_year()
    {
        Assert.Equal(Utc(2026, 12, 2, 0, 0), ScheduleCalculator.LatestAtOrBefore(Cron("0 0 1,15 * 3"), Utc(2026, 1, 1, 0, 0), Utc(2026, 12, 6, 0, 0)));
        Assert.Equal(Utc(2026, 12, 1, 0, 0), ScheduleCalculator.LatestAtOrBefore(Cron("0 0 1,15 * 3"), Utc(2026, 1, 1, 0, 0), Utc(2026, 12, 1, 0, 0)));
        Assert.Equal(Utc(2024, 2, 29, 12, 0), ScheduleCalculator.LatestAtOrBefore(Cron("0 12 29 2 *"), Utc(2020, 1, 1, 0, 0), Utc(2026, 12, 6, 0, 0)));
        Assert.Null(ScheduleCalculator.LatestAtOrBefore(Cron("0 0 30 2 *"), Utc(2020, 1, 1, 0, 0), Utc(2026, 12, 6, 0, 0)));
    }

    [Fact]
    public void Six_field_cron_fires_every_second()
    {
        var fires = Fires(Cron("* * * * * *"), Utc(2026, 1, 1, 10, 0, 0), Utc(2026, 1, 1, 10, 0, 3));

        Assert.Equal([Utc(2026, 1, 1, 10, 0, 1), Utc(2026, 1, 1, 10, 0, 2), Utc(2026, 1, 1, 10, 0, 3)], fires);
    }

    [Fact]
    public void A_time_skipped_by_spring_forward_fires_once_at_the_first_valid_instant_after_the_gap()
    {
        // 2026-03-08 in New York: 02:00 EST jumps to 03:00 EDT, so 02:30 does not exist that day.
        var job = Cron("30 2 * * *", "America/New_York");

        var fires = Fires(job, Utc(2026, 3, 7, 0, 0), Utc(2026, 3, 10, 0, 0));

        Assert.Equal(
        [
            Utc(2026, 3, 7, 7, 30), // 02:30 EST
            Utc(2026, 3, 8, 7, 0),  // 03:00 EDT, right after the gap
            Utc(2026, 3, 9, 6, 30), // 02:30 EDT
        ], fires);
    }

    [Fact]
    public void A_time_repeated_by_fall_back_fires_once()
    {
        // 2026-11-01 in New York: 02:00 EDT falls back to 01:00 EST, so 01:30 happens twice.
        var fires = Fires(Cron("30 1 * * *", "America/New_York"), Utc(2026, 10, 31, 12, 0), Utc(2026, 11, 2, 12, 0));
        var atTwoThirty = Fires(Cron("30 2 * * *", "America/New_York"), Utc(2026, 10, 31, 12, 0), Utc(2026, 11, 2, 12, 0));

        Assert.Equal([Utc(2026, 11, 1, 5, 30), Utc(2026, 11, 2, 6, 30)], fires);
        Assert.Equal([Utc(2026, 11, 1, 7, 30), Utc(2026, 11, 2, 7, 30)], atTwoThirty);
    }

    [Theory]
    [InlineData("Europe/London", 2026, 3, 29, 1)]
    [InlineData("Australia/Sydney", 2026, 10, 4, 2)]
    public void Spring_forward_in_other_zones_fires_once_after_the_gap(string zone, int year, int month, int day, int gapHour)
    {
        var job = Cron($"30 {gapHour} * * *", zone);
        var tz = TimeZoneInfo.FindSystemTimeZoneById(zone);
        var dayStart = new DateTimeOffset(year, month, day, 0, 0, 0, tz.GetUtcOffset(new DateTime(year, month, day, 0, 0, 0, DateTimeKind.Unspecified)));

        var fires = Fires(job, dayStart, dayStart.AddHours(24));

        var fire = Assert.Single(fires);
        var local = TimeZoneInfo.ConvertTime(fire, tz);
        Assert.Equal(gapHour + 1, local.Hour);
        Assert.Equal(0, local.Minute);
    }

    [Fact]
    public void Interval_fires_count_from_the_anchor_without_drift()
    {
        var job = new Job { Name = "i", ScheduleKind = ScheduleKind.Interval, IntervalMinutes = 15, Command = "true" };
        var anchor = Utc(2026, 1, 1, 10, 0, 7);

        // A fire handled 40 s late does not shift the next one.
        var afterLateFire = ScheduleCalculator.NextAfter(job, anchor, anchor.AddMinutes(15).AddSeconds(40));

        Assert.Equal(anchor.AddMinutes(15), ScheduleCalculator.NextAfter(job, anchor, anchor));
        Assert.Equal(anchor.AddMinutes(30), afterLateFire);
        Assert.Equal(anchor.AddMinutes(15 * 97), ScheduleCalculator.NextAfter(job, anchor, anchor.AddMinutes(15 * 96)));
    }

    [Fact]
    public void A_disabled_or_manual_job_has_no_next_fire()
    {
        var disabled = Cron("* * * * *");
        disabled.Enabled = false;
        var manual = new Job { Name = "m", Command = "true" };

        Assert.Null(ScheduleCalculator.NextAfter(disabled, Utc(2026, 1, 1, 0, 0), Utc(2026, 1, 1, 0, 0)));
        Assert.Null(ScheduleCalculator.NextAfter(manual, Utc(2026, 1, 1, 0, 0), Utc(2026, 1, 1, 0, 0)));
    }

    [Fact]
    public void A_pause_holds_fires_until_its_end_and_a_fire_at_the_end_is_kept()
    {
        var job = Cron("0 * * * *");
        var state = new ScheduleState { JobId = 1, Anchor = Utc(2026, 1, 1, 0, 0), PausedUntil = Utc(2026, 1, 1, 5, 0) };

        Assert.Equal(Utc(2026, 1, 1, 5, 0), ScheduleCalculator.NextFire(job, state, Utc(2026, 1, 1, 1, 10)));
    }

    [Fact]
    public void A_missed_fire_is_seen_only_when_a_due_time_fell_inside_the_downtime()
    {
        var job = Cron("0 */2 * * *");
        var state = new ScheduleState { JobId = 1, Anchor = Utc(2026, 1, 1, 0, 0), LastFireAt = Utc(2026, 1, 1, 10, 0) };

        Assert.Null(ScheduleCalculator.LatestMissed(job, state, Utc(2026, 1, 1, 11, 59)));
        Assert.Equal(Utc(2026, 1, 1, 12, 0), ScheduleCalculator.LatestMissed(job, state, Utc(2026, 1, 1, 13, 0)));
    }
}
