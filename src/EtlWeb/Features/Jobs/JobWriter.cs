using EtlWeb.Core.Jobs;
using EtlWeb.Core.Scheduling;
using EtlWeb.Data;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Features.Jobs;

/// <summary>Writes checked drafts inside the caller's transaction; shared by the catalogue and import.</summary>
internal static class JobWriter
{
    public static async Task<int> WriteAsync(EtlDbContext db, int? id, JobDraft draft, Dictionary<int, string> names, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var job = await WriteJobAsync(db, id, draft, now, cancellationToken);
        var ids = names.Where(n => n.Key != job.Id).ToDictionary(n => n.Value, n => n.Key, StringComparer.Ordinal);
        await ReplaceUpstreamsAsync(db, job.Id, draft.Dependencies, ids, cancellationToken);
        return job.Id;
    }

    /// <summary>Creates or replaces the job row (not its edges) and saves it so it has an id.</summary>
    public static async Task<Job> WriteJobAsync(EtlDbContext db, int? id, JobDraft draft, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var incoming = draft.Job;
        var existing = id is null ? null : await db.Jobs.FirstAsync(j => j.Id == id, cancellationToken);
        if (existing is not null)
        {
            var rescheduled = ScheduleChanged(existing, incoming);
            foreach (var name in draft.SecretsWithoutValue)
            {
                if (existing.Environment.TryGetValue(name, out var stored))
                {
                    incoming.Environment[name] = stored;
                }
            }

            incoming.Id = existing.Id;
            incoming.CreatedAt = existing.CreatedAt;
            incoming.DesignerX ??= existing.DesignerX;
            incoming.DesignerY ??= existing.DesignerY;
            incoming.UpdatedAt = now;
            db.Entry(existing).CurrentValues.SetValues(incoming);
            existing.Environment = incoming.Environment;
            existing.SecretEnvironment = incoming.SecretEnvironment;
            if (rescheduled)
            {
                await RestartScheduleAsync(db, existing.Id, now, cancellationToken);
            }

            await db.SaveChangesAsync(cancellationToken);
            return existing;
        }

        incoming.Id = 0;
        incoming.CreatedAt = now;
        incoming.UpdatedAt = now;
        db.Jobs.Add(incoming);
        await db.SaveChangesAsync(cancellationToken);
        await RestartScheduleAsync(db, incoming.Id, now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return incoming;
    }

    /// <summary>
    /// The schedule starts afresh from <paramref name="now"/>: intervals count from here and nothing before it
    /// is a misfire (a job disabled for a week does not catch up when enabled). A pause stays.
    /// </summary>
    public static async Task RestartScheduleAsync(EtlDbContext db, int jobId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var state = await db.ScheduleStates.FirstOrDefaultAsync(s => s.JobId == jobId, cancellationToken);
        if (state is null)
        {
            db.ScheduleStates.Add(new ScheduleState { JobId = jobId, Anchor = now });
            return;
        }

        state.Anchor = now;
        state.LastFireAt = null;
        state.SkipFireAt = null;
    }

    private static bool ScheduleChanged(Job before, Job after) =>
        before.ScheduleKind != after.ScheduleKind
        || before.CronExpression != after.CronExpression
        || before.TimeZone != after.TimeZone
        || before.IntervalMinutes != after.IntervalMinutes
        || (!before.Enabled && after.Enabled);

    public static async Task ReplaceUpstreamsAsync(EtlDbContext db, int jobId, IReadOnlyList<string> upstreams, IReadOnlyDictionary<string, int> ids, CancellationToken cancellationToken)
    {
        await db.Dependencies.Where(d => d.DownstreamJobId == jobId).ExecuteDeleteAsync(cancellationToken);
        db.Dependencies.AddRange(upstreams.Select(u => new JobDependency { UpstreamJobId = ids[u], DownstreamJobId = jobId }));
        await db.SaveChangesAsync(cancellationToken);
    }
}
