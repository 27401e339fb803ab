using EtlWeb.Orchestration;
using Microsoft.Extensions.DependencyInjection;

namespace EtlWeb.Tests.Support;

/// <summary>
/// What the scheduler of an in-memory host has planned, so a test on a fake clock can tell "nothing was due" from
/// "not done yet": the scheduler publishes its next fire only once every fire due before it has made its run.
/// </summary>
internal static class SchedulerProbe
{
    /// <summary>Waits until every fire due by the clock's now has made its run: the next planned fire is later, or none is planned.</summary>
    public static Task FiresSettledAsync(this EtlWebFactory factory, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        return factory.WaitForPlanAsync(next => next is not { } due || due > now, $"every fire due by {now:O} to have made its run");
    }

    /// <summary>Waits until the scheduler's next planned fire satisfies <paramref name="plan"/> (null: nothing planned).</summary>
    public static async Task WaitForPlanAsync(this EtlWebFactory factory, Func<DateTimeOffset?, bool> plan, string what)
    {
        var scheduler = factory.Services.GetRequiredService<Scheduler>();
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(30);
        while (!plan(scheduler.NextFire))
        {
            Assert.True(TimeProvider.System.GetUtcNow() < deadline, $"The scheduler did not get there: {what}; its next fire is {scheduler.NextFire:O}.");
            await Task.Delay(20);
        }
    }

    /// <summary>Waits until the instant the scheduler's timer is armed for satisfies <paramref name="wake"/>.</summary>
    public static async Task WaitForWakeAsync(this EtlWebFactory factory, Func<DateTimeOffset?, bool> wake, string what)
    {
        var scheduler = factory.Services.GetRequiredService<Scheduler>();
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(30);
        while (!wake(scheduler.WakeAt))
        {
            Assert.True(TimeProvider.System.GetUtcNow() < deadline, $"The scheduler's timer did not get there: {what}; it wakes at {scheduler.WakeAt:O}.");
            await Task.Delay(20);
        }
    }
}
