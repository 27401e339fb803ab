using EtlWeb.Core.Jobs;
using EtlWeb.Core.Scheduling;
using EtlWeb.Orchestration;

namespace EtlWeb.Tests.Scheduling;

public sealed class FirePlanTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 10, 0, 59, 500, TimeSpan.Zero);
    private static readonly DateTimeOffset Minute = new(2026, 6, 1, 10, 1, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lead = TimeSpan.FromSeconds(1);

    private static FirePlan.Planned Plan(FirePlan plan, int id, string cron)
    {
        var job = new Job { Id = id, Name = $"job {id}", ScheduleKind = ScheduleKind.Cron, CronExpression = cron, TimeZone = "UTC", Enabled = true };
        plan.Plan(job, new ScheduleState { JobId = id, Anchor = Now.AddHours(-1) }, null, Now);
        return plan.Due(DateTimeOffset.MaxValue, TimeSpan.Zero).Single(p => p.Job.Id == id);
    }

    [Fact]
    public void A_fire_within_the_lead_is_made_early_one_further_away_waits_and_the_timer_wakes_a_lead_before_the_earliest()
    {
        var plan = new FirePlan();
        Plan(plan, 1, "* * * * *");
        Plan(plan, 2, "*/5 * * * *");

        Assert.Equal([1], plan.Due(Now, Lead).Select(p => p.Job.Id));
        Assert.Empty(plan.Due(Now, TimeSpan.Zero));
        Assert.Equal(Minute, plan.Earliest());
        Assert.Equal(Minute - Lead, plan.NextWork(Lead));
    }

    [Fact]
    public void A_fire_held_until_due_is_not_made_early_and_the_timer_wakes_at_its_due_instant()
    {
        var plan = new FirePlan();
        var held = Plan(plan, 1, "* * * * *");

        plan.HoldUntilDue(held);

        Assert.Empty(plan.Due(Now, Lead));
        Assert.Equal(Minute, plan.NextWork(Lead));
        Assert.Equal([1], plan.Due(Minute, Lead).Select(p => p.Job.Id));
    }

    [Fact]
    public void Holding_a_fire_that_was_planned_again_meanwhile_keeps_the_new_plan()
    {
        var plan = new FirePlan();
        var old = Plan(plan, 1, "* * * * *");
        Plan(plan, 1, "*/5 * * * *");

        plan.HoldUntilDue(old);

        Assert.False(plan.Due(DateTimeOffset.MaxValue, TimeSpan.Zero).Single().AtDue);
    }
}
