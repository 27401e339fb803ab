using EtlWeb.Core.Jobs;
using EtlWeb.Core.Scheduling;
using EtlWeb.Data;

namespace EtlWeb.Features.Dashboard;

/// <summary>The scheduled fires of jobs in a window, as the scheduler will act on them (pauses and skips included).</summary>
public static class UpcomingFires
{
    /// <summary>Counting stops here: a cron with seconds can fire 86,400 times a day.</summary>
    public const int CountLimit = 1000;

    /// <summary>One entry per job that fires in (now, now + window], earliest first; a job's calendar removes or moves its fires.</summary>
    public static IReadOnlyList<UpcomingFire> Within(
        IEnumerable<Job> jobs, IReadOnlyDictionary<int, ScheduleState> states, IReadOnlyDictionary<string, CalendarDays> calendars, DateTimeOffset now, TimeSpan window)
    {
        var end = now + window;
        var fires = new List<UpcomingFire>();
        foreach (var job in jobs)
        {
            // The same default as the job list's next run: a job without state counts from its last edit.
            var state = states.GetValueOrDefault(job.Id) ?? new ScheduleState { JobId = job.Id, Anchor = job.UpdatedAt };
            var calendar = calendars.Of(job);
            if (ScheduleCalculator.NextFire(job, state, now, calendar) is not { } first || first > end)
            {
                continue;
            }

            var count = 0;
            for (DateTimeOffset? at = first; at is { } due && due <= end && count < CountLimit; at = ScheduleCalculator.NextAfter(job, state.Anchor, due, calendar))
            {
                count++;
            }

            var zone = job.ScheduleKind == ScheduleKind.Cron ? job.TimeZone : "";
            fires.Add(new UpcomingFire(job.Id, job.Name, first, count, zone, state.SkipFireAt == first));
        }

        return [.. fires.OrderBy(f => f.At).ThenBy(f => f.JobName, StringComparer.OrdinalIgnoreCase)];
    }
}
