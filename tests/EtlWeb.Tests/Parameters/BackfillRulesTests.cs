using EtlWeb.Core.Jobs;
using EtlWeb.Core.Runs;

namespace EtlWeb.Tests.Parameters;

public sealed class BackfillRulesTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    [Fact]
    public void A_nightly_cron_over_march_in_berlin_has_31_due_times_at_2_local_across_the_clock_change()
    {
        var job = new Job { ScheduleKind = ScheduleKind.Cron, CronExpression = "0 2 * * *", TimeZone = "Europe/Berlin" };
        var from = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.FromHours(1));
        var to = new DateTimeOffset(2026, 3, 31, 23, 59, 0, TimeSpan.FromHours(2));

        var due = BackfillRules.DueTimes(job, from, from, to);

        Assert.Equal(31, due.Count);
        Assert.Equal(31, due.Select(d => TimeZoneInfo.ConvertTime(d, Berlin).Date).Distinct().Count());

        // 29 March has no 02:00: that night's fire is at 03:00 CEST, the first valid instant after the gap.
        Assert.All(due.Where(d => d.Day != 29), d => Assert.Equal(2, TimeZoneInfo.ConvertTime(d, Berlin).Hour));
        Assert.Equal(3, TimeZoneInfo.ConvertTime(due.Single(d => TimeZoneInfo.ConvertTime(d, Berlin).Day == 29), Berlin).Hour);
    }

    [Fact]
    public void An_interval_backfill_follows_the_jobs_lattice_also_before_its_anchor()
    {
        var job = new Job { ScheduleKind = ScheduleKind.Interval, IntervalMinutes = 60 };
        var anchor = new DateTimeOffset(2026, 6, 10, 12, 15, 0, TimeSpan.Zero);

        var due = BackfillRules.DueTimes(job, anchor, anchor.AddHours(-5.5), anchor.AddHours(-2));

        Assert.Equal([anchor.AddHours(-5), anchor.AddHours(-4), anchor.AddHours(-3), anchor.AddHours(-2)], due);
    }

    [Fact]
    public void A_range_past_the_limit_says_so_by_one_more_due_time()
    {
        var job = new Job { ScheduleKind = ScheduleKind.Cron, CronExpression = "* * * * *", TimeZone = "UTC" };
        var from = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        Assert.Equal(BackfillRules.MaxDueTimes + 1, BackfillRules.DueTimes(job, from, from, from.AddDays(30)).Count);
    }

    [Fact]
    public void Only_missing_leaves_out_the_due_times_that_succeeded_and_the_order_is_chosen()
    {
        var day = new DateTimeOffset(2026, 3, 1, 1, 0, 0, TimeSpan.Zero);
        DateTimeOffset[] due = [day, day.AddDays(1), day.AddDays(2), day.AddDays(3)];
        var succeeded = new HashSet<DateTimeOffset> { day.AddDays(1), day.AddDays(3) };

        Assert.Equal([day.AddDays(2), day], BackfillRules.Plan(due, succeeded, BackfillMode.Missing, BackfillOrder.Newest));
        Assert.Equal(due, BackfillRules.Plan(due, succeeded, BackfillMode.All, BackfillOrder.Oldest));
    }

    [Theory]
    [InlineData(5, 0, 100, false, 5)]
    [InlineData(5, 3, 100, false, 2)]
    [InlineData(5, 5, 100, false, 0)]
    [InlineData(5, 1, 2, false, 2)]
    [InlineData(5, 0, 100, true, 0)]
    public void The_cap_bounds_what_starts(int cap, int active, int pending, bool cancelled, int expected) =>
        Assert.Equal(expected, BackfillRules.ToStart(cap, active, pending, cancelled));

    [Fact]
    public void Progress_counts_each_due_time_once()
    {
        RunStatus?[] statuses = [null, RunStatus.Waiting, RunStatus.Running, RunStatus.Succeeded, RunStatus.Failed, RunStatus.Cancelled, RunStatus.Skipped, RunStatus.Queued];

        Assert.Equal(new BackfillCounts(8, 1, 1, 3, 1, 2), BackfillCounts.Of(statuses));
    }
}
