using EtlWeb.Core.Runs;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Orchestration;

/// <summary>
/// The scheduler's timer and pre-staged fires: a fire is made into its run up to <see cref="PrestageLead"/> before its due time, its attempt
/// queued with its due time as not-before and handed to the queue at that instant, so only the claim and the spawn
/// happen then (ADR 0023). A fire whose outcome could still change before its due time is made at the instant instead:
/// its job has a run not yet ended (the overlap policy decides on the state at the due time) or upstream jobs (their
/// runs may end meanwhile).
/// </summary>
public sealed partial class Scheduler
{
    /// <summary>
    /// The longest the timer sleeps when the next fire is further away: timers count monotonic time, so a wall clock
    /// that jumps (set by hand, a suspended machine resumed) is noticed within this time. One wake-up a minute with
    /// nothing due costs nothing measurable (ADR 0023).
    /// </summary>
    private static readonly TimeSpan MaxSleep = TimeSpan.FromMinutes(1);

    /// <summary>How long before its due time a fire is made into its run.</summary>
    public static readonly TimeSpan PrestageLead = TimeSpan.FromSeconds(1);

    /// <summary>Takes out of <paramref name="due"/> the early fires whose job is busy or has upstream jobs, and plans them for their due instant.</summary>
    private async Task HoldBusyUntilDueAsync(List<FirePlan.Planned> due, DateTimeOffset now)
    {
        var early = due.Where(p => p.Due > now).ToList();
        if (early.Count == 0)
        {
            return;
        }

        var ids = early.Select(p => p.Job.Id).ToList();
        await using var db = await _dbFactory.CreateDbContextAsync();
        var busy = (await db.Runs.Where(r => ids.Contains(r.JobId) && (r.Status == RunStatus.Waiting || r.Status == RunStatus.Queued || r.Status == RunStatus.Running))
                .Select(r => r.JobId)
                .Union(db.Dependencies.Where(d => ids.Contains(d.DownstreamJobId)).Select(d => d.DownstreamJobId))
                .ToListAsync())
            .ToHashSet();
        foreach (var planned in early.Where(p => busy.Contains(p.Job.Id)))
        {
            _plan.HoldUntilDue(planned);
            due.Remove(planned);
        }
    }

    /// <summary>Arms the timer for the earliest fire to make (at most <see cref="MaxSleep"/> away) and publishes the earliest fire.</summary>
    private void Arm(DateTimeOffset now)
    {
        NextFire = _plan.Earliest();
        var wait = _plan.NextWork(PrestageLead) is { } work ? work - now : MaxSleep;
        wait = wait < TimeSpan.Zero ? TimeSpan.Zero : wait > MaxSleep ? MaxSleep : wait;
        WakeAt = now + wait;
        _timer.Change(wait, Timeout.InfiniteTimeSpan);
    }
}
