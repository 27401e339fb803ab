using EtlWeb.Core.Jobs;
using EtlWeb.Core.Scheduling;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Data;

/// <summary>The calendars jobs name, read for the schedule: every place that computes a fire applies the same days.</summary>
public static class CalendarQueries
{
    /// <summary>The calendars named by <paramref name="jobs"/>, by name.</summary>
    public static async Task<IReadOnlyDictionary<string, CalendarDays>> ForJobsAsync(EtlDbContext db, IEnumerable<Job> jobs, CancellationToken cancellationToken)
    {
        var names = jobs.Select(j => j.Calendar).Where(n => n.Length > 0).Distinct().ToList();
        if (names.Count == 0)
        {
            return new Dictionary<string, CalendarDays>();
        }

        var calendars = await db.Calendars.AsNoTracking().Where(c => names.Contains(c.Name)).ToListAsync(cancellationToken);
        return calendars.ToDictionary(c => c.Name, CalendarDays.Of, StringComparer.Ordinal);
    }

    /// <summary>The calendar a job names, or null when it names none (or one that no longer exists).</summary>
    public static CalendarDays? Of(this IReadOnlyDictionary<string, CalendarDays> calendars, Job job) =>
        job.Calendar.Length > 0 ? calendars.GetValueOrDefault(job.Calendar) : null;
}
