using EtlWeb.Core.Jobs;
using EtlWeb.Core.Runs;
using EtlWeb.Core.Scheduling;

namespace EtlWeb.Tests.History;

public sealed class FireTimelineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);

    private static Job Cron(string expression, bool enabled = true) =>
        new() { Name = "nightly", ScheduleKind = ScheduleKind.Cron, CronExpression = expression, TimeZone = "UTC", Enabled = enabled, CreatedAt = T0 };

    [Fact]
    public void Every_minute_of_a_day_gets_the_outcome_a_brute_force_walk_over_the_same_records_expects()
    {
        // The schedule: every minute; disabled from 05:00 to 06:00 (two revisions); paused 01:00 to 01:30, resumed early at
        // 01:20; EtlWeb down from 02:00 to 03:00 with RunOnce (the 03:00 fire caught up); two overlap skips, a skip-next,
        // an upstream failure, and the runs of every other minute except three that nothing explains.
        var disabledFrom = T0.AddHours(5);
        var enabledAt = T0.AddHours(6);
        var periods = SchedulePeriods.Of(Cron("* * * * *"), T0,
            [new(T0, Cron("* * * * *"), true), new(disabledFrom, Cron("* * * * *", enabled: false), false), new(enabledAt, Cron("* * * * *"), false)]);
        var gaps = new List<ScheduleGap>
        {
            new() { Kind = ScheduleGapKind.Paused, From = T0.AddHours(1), To = T0.AddHours(1).AddMinutes(20) },
            new() { Kind = ScheduleGapKind.Down, From = T0.AddHours(2), To = T0.AddHours(3), Detail = nameof(MisfirePolicy.RunOnce) },
        };
        var overlap = new[] { T0.AddMinutes(7), T0.AddMinutes(8) };
        var skipNext = T0.AddMinutes(30);
        var blocked = T0.AddHours(4).AddMinutes(15);
        var unexplained = new[] { T0.AddHours(7), T0.AddHours(7).AddMinutes(1), T0.AddHours(9).AddMinutes(59) };
        var end = T0.AddHours(10);

        var runs = new List<FiredRun>();
        long id = 0;
        var expected = new List<(DateTimeOffset, string)>();
        for (var due = T0.AddMinutes(1); due <= end; due = due.AddMinutes(1))
        {
            string outcome;
            if (overlap.Contains(due))
            {
                runs.Add(new FiredRun(++id, TriggerKind.Schedule, RunStatus.Skipped, $"{WaitingRunRules.OverlapSkip}: run #1 of this job was still running.", due, due, due));
                outcome = "skipped_overlap";
            }
            else if (due == skipNext)
            {
                runs.Add(new FiredRun(++id, TriggerKind.Schedule, RunStatus.Skipped, $"{FireTimeline.OperatorSkip}: the fire due at {due:O}.", due, due, due));
                outcome = "skip_next";
            }
            else if (due == blocked)
            {
                runs.Add(new FiredRun(++id, TriggerKind.Schedule, RunStatus.UpstreamFailed, "Upstream Extract ended Failed in this pipeline run.", due, due, due.AddMinutes(1)));
                outcome = "blocked";
            }
            else if (due == T0.AddHours(3))
            {
                runs.Add(new FiredRun(++id, TriggerKind.CatchUp, RunStatus.Succeeded, null, due, due.AddMinutes(1), due.AddMinutes(2)));
                outcome = "caught_up";
            }
            else if (due >= disabledFrom && due < enabledAt)
            {
                outcome = "disabled";
            }
            else if (due >= T0.AddHours(1) && due < T0.AddHours(1).AddMinutes(20))
            {
                outcome = "paused";
            }
            else if (due > T0.AddHours(2) && due <= T0.AddHours(3))
            {
                outcome = "misfire_skipped";
            }
            else if (unexplained.Contains(due))
            {
                outcome = "down";
            }
            else
            {
                runs.Add(new FiredRun(++id, TriggerKind.Schedule, id % 10 == 0 ? RunStatus.Failed : RunStatus.Succeeded, null, due, due, due.AddSeconds(5)));
                outcome = "ran";
            }

            expected.Add((due, outcome));
        }

        var fires = FireTimeline.Explain(periods, runs, gaps, T0.AddSeconds(1), end, end.AddMinutes(5));

        Assert.Equal(expected, fires.Select(f => (f.Due, FireTimeline.Name(f.Outcome))));
        Assert.All(fires.Where(f => f.Outcome is FireOutcome.Ran or FireOutcome.SkipNext or FireOutcome.SkippedOverlap or FireOutcome.Blocked or FireOutcome.CaughtUp), f => Assert.NotNull(f.RunId));
        Assert.Contains("Extract", fires.Single(f => f.Outcome == FireOutcome.Blocked).Detail, StringComparison.Ordinal);
        Assert.Contains("RunOnce", fires.First(f => f.Outcome == FireOutcome.MisfireSkipped).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Due_times_after_now_are_left_out_and_a_run_off_the_schedule_is_still_shown()
    {
        var periods = SchedulePeriods.Of(Cron("0 2 * * *"), T0, []);
        var odd = new FiredRun(1, TriggerKind.Schedule, RunStatus.Succeeded, null, T0.AddDays(1).AddHours(3), T0, T0);
        var fires = FireTimeline.Explain(periods, [odd], [], T0, T0.AddDays(5), T0.AddDays(2).AddHours(1));
        Assert.Equal([(T0.AddHours(2), FireOutcome.Down), (T0.AddDays(1).AddHours(2), FireOutcome.Down), (T0.AddDays(1).AddHours(3), FireOutcome.Ran)],
            fires.Select(f => (f.Due, f.Outcome)));
    }

    [Fact]
    public void An_interval_counts_from_the_revision_that_created_or_restarted_it()
    {
        var restart = T0.AddMinutes(40);
        var periods = SchedulePeriods.Of(Interval(15), restart, [new(T0, Interval(15), true), new(T0.AddMinutes(20), Interval(15), false), new(restart, Interval(10), false)]);

        var dues = FireTimeline.DueTimes(periods, T0, T0.AddMinutes(70)).Select(d => (int)(d.Due - T0).TotalMinutes);

        Assert.Equal([15, 30, 50, 60, 70], dues);
    }

    [Fact]
    public void A_job_older_than_revisions_counts_its_interval_from_its_stored_anchor_and_shows_no_guessed_times_before_a_later_restart()
    {
        var anchor = T0.AddMinutes(3);
        var unchanged = SchedulePeriods.Of(Interval(15), anchor, [new(T0.AddMinutes(30), Interval(15), false)]);
        Assert.Equal([18, 33, 48], FireTimeline.DueTimes(unchanged, T0, T0.AddMinutes(50)).Select(d => (int)(d.Due - T0).TotalMinutes));

        var restarted = SchedulePeriods.Of(Interval(15), T0.AddMinutes(60), [new(T0.AddMinutes(30), Interval(15), false), new(T0.AddMinutes(60), Interval(5), false)]);
        Assert.Equal([65, 70], FireTimeline.DueTimes(restarted, T0, T0.AddMinutes(70)).Select(d => (int)(d.Due - T0).TotalMinutes));
    }

    [Fact]
    public void A_fire_that_joined_a_pending_run_ran_with_it_and_a_purged_one_says_so()
    {
        var periods = SchedulePeriods.Of(Cron("0 * * * *"), T0, []);
        var runs = new[]
        {
            new FiredRun(7, TriggerKind.Schedule, RunStatus.Succeeded, null, T0.AddHours(5), T0.AddHours(5), T0.AddHours(6)),
            new FiredRun(7, TriggerKind.Schedule, RunStatus.Succeeded, null, T0.AddHours(6), T0.AddHours(5), T0.AddHours(6), Joined: true),
        };
        var gaps = new[] { new ScheduleGap { Kind = ScheduleGapKind.Purged, From = T0.AddHours(1), To = T0.AddHours(3) } };

        var fires = FireTimeline.Explain(periods, runs, gaps, T0, T0.AddHours(6), T0.AddHours(7));

        Assert.Equal(["purged", "purged", "purged", "purged", "down", "ran", "ran"], fires.Select(f => FireTimeline.Name(f.Outcome)));
        Assert.Equal((7L, "joined run #7, which was already pending (Succeeded)"), (fires[^1].RunId!.Value, fires[^1].Detail));
    }

    private static Job Interval(int minutes) => new() { Name = "poll", ScheduleKind = ScheduleKind.Interval, IntervalMinutes = minutes, Enabled = true, CreatedAt = T0 };
}
