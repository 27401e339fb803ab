using EtlWeb.Core.Jobs;
using EtlWeb.Core.Scheduling;

namespace EtlWeb.Orchestration;

/// <summary>The scheduler's plan: each scheduled job's next due time, safe to read from the timer and the re-plans at once.</summary>
public sealed class FirePlan
{
    private readonly Dictionary<int, Planned> _plan = [];

    /// <summary>One job's next fire, with the schedule state and the calendar it was computed from.</summary>
    public sealed record Planned(Job Job, ScheduleState State, CalendarDays? Calendar, DateTimeOffset Due);

    /// <summary>Plans the job's next fire after <paramref name="now"/> (with the calendar it names), or drops it when it has none.</summary>
    public void Plan(Job job, ScheduleState state, CalendarDays? calendar, DateTimeOffset now)
    {
        var next = ScheduleCalculator.NextFire(job, state, now, calendar);
        lock (_plan)
        {
            if (next is { } due)
            {
                _plan[job.Id] = new Planned(job, state, calendar, due);
            }
            else
            {
                _plan.Remove(job.Id);
            }
        }
    }

    public void Remove(int jobId)
    {
        lock (_plan)
        {
            _plan.Remove(jobId);
        }
    }

    public void Clear()
    {
        lock (_plan)
        {
            _plan.Clear();
        }
    }

    /// <summary>The fires due at <paramref name="now"/>, earliest first.</summary>
    public List<Planned> Due(DateTimeOffset now)
    {
        lock (_plan)
        {
            return [.. _plan.Values.Where(p => p.Due <= now).OrderBy(p => p.Due)];
        }
    }

    /// <summary>The earliest fire planned, if any.</summary>
    public DateTimeOffset? Earliest()
    {
        lock (_plan)
        {
            return _plan.Count == 0 ? null : _plan.Values.Min(p => p.Due);
        }
    }
}
