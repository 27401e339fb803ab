using System.Globalization;
using EtlWeb.Core.Scheduling;
using EtlWeb.Data;
using EtlWeb.Realtime;
using EtlWeb.Security;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Features.Jobs;

/// <summary>Operator actions on a job's schedule: pause until a time, resume, skip the next fire.</summary>
public sealed class ScheduleControl(IDbContextFactory<EtlDbContext> dbFactory, TimeProvider time, JobChangeFeed changes, CurrentActor actors, AuditLog audit)
{
    /// <summary>No scheduled fire before <paramref name="until"/>; false when the job does not exist.</summary>
    /// <remarks>Each pause is recorded as a gap of the schedule (a resume ends it early), so the fire timeline can tell it.</remarks>
    public Task<bool> PauseAsync(int jobId, DateTimeOffset? until, CancellationToken cancellationToken = default) =>
        UpdateAsync(jobId, async (db, state) =>
        {
            var now = time.GetUtcNow().ToUniversalTime();
            foreach (var open in await db.ScheduleGaps.Where(g => g.JobId == jobId && g.Kind == ScheduleGapKind.Paused && g.To > now).ToListAsync(cancellationToken))
            {
                open.To = now;
            }

            if (until is { } end)
            {
                // In UTC: SQLite compares stored instants by their wall-clock ticks.
                db.ScheduleGaps.Add(new ScheduleGap { JobId = jobId, Kind = ScheduleGapKind.Paused, From = now.ToUniversalTime(), To = end.ToUniversalTime() });
            }

            state.PausedUntil = until;
        }, until is { } end ? "paused until " + end.ToString("u", CultureInfo.InvariantCulture) : "resumed", cancellationToken);

    /// <summary>
    /// Marks the job's next due time to be recorded as Skipped instead of running; returns that time, or null
    /// when the job does not exist or has no upcoming fire.
    /// </summary>
    public async Task<DateTimeOffset?> SkipNextAsync(int jobId, CancellationToken cancellationToken = default)
    {
        actors.DemandSomewhere(EtlRoles.Operator, "pause, resume or skip schedules");
        DateTimeOffset? skipped = null;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var job = await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId, cancellationToken);
        if (job is null)
        {
            return null;
        }

        var calendars = await CalendarQueries.ForJobsAsync(db, [job], cancellationToken);
        await UpdateAsync(jobId, (_, state) =>
        {
            skipped = state.SkipFireAt = ScheduleCalculator.NextFire(job, state, time.GetUtcNow(), calendars.Of(job));
            return Task.CompletedTask;
        }, "next fire skipped", cancellationToken);
        return skipped;
    }

    private async Task<bool> UpdateAsync(int jobId, Func<EtlDbContext, ScheduleState, Task> change, string what, CancellationToken cancellationToken)
    {
        actors.DemandSomewhere(EtlRoles.Operator, "pause, resume or skip schedules");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var job = await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId, cancellationToken);
        if (job is null)
        {
            return false;
        }

        actors.Demand(EtlRoles.Operator, "pause, resume or skip schedules", job.Folder);

        var state = await db.ScheduleStates.FirstOrDefaultAsync(s => s.JobId == jobId, cancellationToken);
        if (state is null)
        {
            state = new ScheduleState { JobId = jobId, Anchor = job.UpdatedAt };
            db.ScheduleStates.Add(state);
        }

        await change(db, state);
        await db.SaveChangesAsync(cancellationToken);
        changes.Publish(jobId);
        await audit.RecordAsync(AuditActions.ScheduleChanged, job.Name, what, cancellationToken);
        return true;
    }
}
