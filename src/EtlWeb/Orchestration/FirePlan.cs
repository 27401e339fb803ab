using EtlWeb.Core.Jobs;
using EtlWeb.Core.Scheduling;

namespace EtlWeb.Orchestration;

/// <summary>The scheduler's plan: each scheduled job's next due time, safe to read from the timer and the re-plans at once.</summary>
public sealed class FirePlan
{
    private readonly Dictionary<int, Planned> _plan = [];

    /// <summary>
    /// One job's next fire, with the schedule state and the calendar it was computed from. <paramref name="AtDue"/>: it
    /// may not be pre-staged (the scheduler found its job busy), so it is made at its due instant.
    /// </summary>
    public sealed record Planned(Job Job, ScheduleState State, CalendarDays? Calendar, DateTimeOffset Due, bool AtDue = false);

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

    /// <summary>Keeps the fire in the plan, to be made at its due instant rather than pre-staged.</summary>
    public void HoldUntilDue(Planned planned)
    {
        lock (_plan)
        {
            if (_plan.TryGetValue(planned.Job.Id, out var current) && current == planned)
            {
                _plan[planned.Job.Id] = planned with { AtDue = true };
            }
        }
    }

    /// <summary>The fires to make at <paramref name="now"/>: those due, and those due within <paramref name="lead"/> that may be pre-staged; earliest first.</summary>
    public List<Planned> Due(DateTimeOffset now, TimeSpan lead)
    {
        lock (_plan)
        {
            return [.. _plan.Values.Where(p => MakeAt(p, lead) <= now).OrderBy(p => p.Due)];
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

    /// <summary>When the earliest fire is to be made (pre-staged or at its due instant), if any.</summary>
    public DateTimeOffset? NextWork(TimeSpan lead)
    {
        lock (_plan)
        {
            return _plan.Count == 0 ? null : _plan.Values.Min(p => MakeAt(p, lead));
        }
    }

    private static DateTimeOffset MakeAt(Planned planned, TimeSpan lead) => planned.AtDue ? planned.Due : planned.Due - lead;
}
