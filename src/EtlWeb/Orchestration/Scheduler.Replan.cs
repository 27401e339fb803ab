using EtlWeb.Core.Scheduling;
using EtlWeb.Data;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Orchestration;

/// <summary>
/// Job changes re-plan the changed jobs at once: the jobs an import changed together in one pass (one read of their
/// definitions, schedule states and calendars) followed by one decision of the waiting runs, where a pass per job
/// read every waiting run once per job imported.
/// </summary>
public sealed partial class Scheduler
{
    private async Task ReplanAsync(IReadOnlyList<int> jobIds)
    {
        await _gate.WaitAsync();
        try
        {
            if (_subscription is null)
            {
                // Paused meanwhile: the lease went elsewhere, and the next start plans every job.
                return;
            }

            var now = _time.GetUtcNow();
            await using var db = await _dbFactory.CreateDbContextAsync();
            var ids = jobIds.ToList();
            var jobs = await db.Jobs.AsNoTracking().Where(j => ids.Contains(j.Id)).ToListAsync();
            var states = await db.ScheduleStates.AsNoTracking().Where(s => ids.Contains(s.JobId)).ToDictionaryAsync(s => s.JobId);
            var calendars = await CalendarQueries.ForJobsAsync(db, jobs, CancellationToken.None);
            foreach (var id in ids)
            {
                _plan.Remove(id);
            }

            foreach (var job in jobs)
            {
                _plan.Plan(job, states.GetValueOrDefault(job.Id) ?? new ScheduleState { JobId = job.Id, Anchor = job.UpdatedAt }, calendars.Of(job), now);
            }

            Arm(now);
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Could not re-plan the schedules of jobs {JobIds}", string.Join(", ", jobIds));
        }
        finally
        {
            _gate.Release();
        }

        // A job that was disabled, enabled or deleted changes what waiting runs can do.
        await _engine.DecideWaitingAsync(CancellationToken.None);
    }
}
