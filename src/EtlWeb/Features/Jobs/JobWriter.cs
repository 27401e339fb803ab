using EtlWeb.Core.Jobs;
using EtlWeb.Core.Scheduling;
using EtlWeb.Data;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Features.Jobs;

/// <summary>A checked draft to write: a new job, or the replacement of the job with <see cref="ExistingId"/>.</summary>
internal sealed record JobWrite(int? ExistingId, JobDraft Draft);

/// <summary>
/// Writes checked drafts inside the caller's transaction; shared by the catalogue (one job) and import (thousands).
/// Set-based: a fixed number of saves whatever the count, so an import of 10,000 jobs is not quadratic in change tracking.
/// </summary>
internal static class JobWriter
{
    /// <summary>
    /// Writes the jobs and then their upstream edges (by name: a file may name jobs it creates); returns the job of each
    /// write. Each job whose definition changed gets a revision by <paramref name="author"/>.
    /// </summary>
    public static async Task<IReadOnlyList<Job>> WriteAsync(
        EtlDbContext db, IReadOnlyList<JobWrite> writes, IReadOnlyDictionary<string, int> otherIds, string author, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var existingIds = writes.Select(w => w.ExistingId).OfType<int>().ToList();
        var existing = await db.Jobs.Where(j => existingIds.Contains(j.Id)).ToDictionaryAsync(j => j.Id, cancellationToken);
        var before = await RevisionWriter.BeforeAsync(db, existing.Values, cancellationToken);
        var revisions = new List<IReadOnlyList<JobRevision>>();
        var jobs = new List<Job>();
        var restart = new List<Job>();
        var renamed = writes.Where(w => w.ExistingId is { } id && existing[id].Name != w.Draft.Job.Name)
            .ToDictionary(w => existing[w.ExistingId!.Value].Name, w => w.Draft.Job.Name, StringComparer.Ordinal);
        // The jobs that name a renamed job (a link, a for-each source) change with it: each gets a revision too.
        var naming = await RevisionWriter.NamingAsync(db, renamed.Keys, existingIds, cancellationToken);
        foreach (var write in writes)
        {
            var job = Stage(db, write.ExistingId is { } id ? existing[id] : null, write.Draft, now, out var rescheduled);
            jobs.Add(job);
            revisions.Add(RevisionWriter.Stage(write.ExistingId is { } changed ? before[changed] : null, job, write.Draft.Links, author, now));
            if (rescheduled)
            {
                restart.Add(job);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        await RestartSchedulesAsync(db, [.. restart.Select(j => j.Id)], now, cancellationToken);

        // A for-each job names the upstream whose list it reads: a rename of that job carries over to it.
        foreach (var (old, @new) in renamed)
        {
            await db.Jobs.Where(j => j.ForEachJob == old).ExecuteUpdateAsync(u => u.SetProperty(j => j.ForEachJob, @new), cancellationToken);
        }

        await RevisionWriter.AddDerivedAsync(db, naming.Values, b =>
        {
            b.Job.ForEachJob = renamed.GetValueOrDefault(b.Job.ForEachJob, b.Job.ForEachJob);
            return b with { Links = [.. b.Links.Select(l => renamed.TryGetValue(l.Job, out var name) ? l with { Job = name } : l)] };
        }, author, now, cancellationToken);

        var ids = new Dictionary<string, int>(otherIds, StringComparer.Ordinal);
        foreach (var job in jobs)
        {
            ids[job.Name] = job.Id;
        }

        var written = jobs.Select(j => j.Id).ToList();
        await db.Dependencies.Where(d => written.Contains(d.DownstreamJobId)).ExecuteDeleteAsync(cancellationToken);
        db.Dependencies.AddRange(writes.Zip(jobs).SelectMany(pair =>
            pair.First.Draft.Links.Select(link => new JobDependency
            {
                UpstreamJobId = ids[link.Job], DownstreamJobId = pair.Second.Id, When = link.When, Condition = link.Condition,
            })));
        foreach (var (job, staged) in jobs.Zip(revisions))
        {
            RevisionWriter.Add(db, job, staged);
        }

        await db.SaveChangesAsync(cancellationToken);
        return jobs;
    }

    /// <summary>
    /// The schedules start afresh from <paramref name="now"/>: intervals count from here and nothing before it
    /// is a misfire (a job disabled for a week does not catch up when enabled). A pause stays. Saves.
    /// </summary>
    public static async Task RestartSchedulesAsync(EtlDbContext db, IReadOnlyCollection<int> jobIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (jobIds.Count == 0)
        {
            return;
        }

        var states = await db.ScheduleStates.Where(s => jobIds.Contains(s.JobId)).ToDictionaryAsync(s => s.JobId, cancellationToken);
        foreach (var jobId in jobIds)
        {
            if (states.TryGetValue(jobId, out var state))
            {
                state.Anchor = now;
                state.LastFireAt = null;
                state.SkipFireAt = null;
            }
            else
            {
                db.ScheduleStates.Add(new ScheduleState { JobId = jobId, Anchor = now });
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Adds the new job, or copies the draft onto the tracked <paramref name="existing"/> one; does not save.</summary>
    private static Job Stage(EtlDbContext db, Job? existing, JobDraft draft, DateTimeOffset now, out bool rescheduled)
    {
        var incoming = draft.Job;
        if (existing is null)
        {
            incoming.Id = 0;
            incoming.CreatedAt = now;
            incoming.UpdatedAt = now;
            db.Jobs.Add(incoming);
            rescheduled = true;
            return incoming;
        }

        rescheduled = ScheduleCalculator.Restarts(existing, incoming);
        foreach (var name in draft.SecretsWithoutValue)
        {
            if (existing.Environment.TryGetValue(name, out var stored))
            {
                incoming.Environment[name] = stored;
            }
        }

        incoming.Id = existing.Id;
        incoming.Revision = existing.Revision;
        incoming.CreatedAt = existing.CreatedAt;
        incoming.DesignerX ??= existing.DesignerX;
        incoming.DesignerY ??= existing.DesignerY;
        incoming.UpdatedAt = now;
        db.Entry(existing).CurrentValues.SetValues(incoming);
        existing.Environment = incoming.Environment;
        existing.SecretEnvironment = incoming.SecretEnvironment;
        return existing;
    }
}
