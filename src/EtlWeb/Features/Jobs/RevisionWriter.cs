using System.Text.Json;
using EtlWeb.Core.Jobs;
using EtlWeb.Data;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Features.Jobs;

/// <summary>A job's definition before a change: a copy of it (secret values included, for comparing) and its upstream links.</summary>
internal sealed record JobBefore(Job Job, IReadOnlyList<DependencyLink> Links);

/// <summary>Stores a revision for each change to a job's definition, inside the writer's transaction.</summary>
internal static class RevisionWriter
{
    /// <summary>Who a change is recorded for when nobody asked for it.</summary>
    public const string EtlWeb = "EtlWeb";

    /// <summary>The stored jobs' definitions before a change, read from the tracked entities (copied: the change overwrites them).</summary>
    public static async Task<Dictionary<int, JobBefore>> BeforeAsync(EtlDbContext db, IEnumerable<Job> jobs, CancellationToken cancellationToken)
    {
        var byId = jobs.ToDictionary(j => j.Id);
        var ids = byId.Keys.ToList();
        var links = (await db.Dependencies.Where(d => ids.Contains(d.DownstreamJobId))
                .Join(db.Jobs, d => d.UpstreamJobId, j => j.Id, (d, j) => new { d.DownstreamJobId, Link = new DependencyLink(j.Name, d.When, d.Condition) })
                .ToListAsync(cancellationToken))
            .ToLookup(l => l.DownstreamJobId, l => l.Link);
        return byId.ToDictionary(p => p.Key, p => new JobBefore(Copy(p.Value), [.. links[p.Key]]));
    }

    /// <summary>
    /// The revisions a change makes (none when nothing in the definition changed), and the job's <see cref="Job.Revision"/>
    /// moved on. A job older than revisions first gets its stored state as revision 1. The revisions' job id is set by
    /// <see cref="Add"/> once the job is saved.
    /// </summary>
    public static IReadOnlyList<JobRevision> Stage(JobBefore? before, Job after, IReadOnlyList<DependencyLink> links, string author, DateTimeOffset now)
    {
        var changes = JobChanges.Between(before?.Job ?? new Job(), JobRevisions.Describe(before?.Links ?? []), after, JobRevisions.Describe(links));
        if (before is not null && changes.Count == 0)
        {
            return [];
        }

        var revisions = new List<JobRevision>();
        if (before is { Job.Revision: 0 })
        {
            revisions.Add(JobRevision.Of(before.Job, before.Links, 1, EtlWeb, before.Job.UpdatedAt, []));
        }

        after.Revision = Math.Max(before?.Job.Revision ?? 0, revisions.Count) + 1;
        revisions.Add(JobRevision.Of(after, links, after.Revision, author, now, changes));
        return revisions;
    }

    /// <summary>Adds the staged revisions of the saved <paramref name="job"/>; does not save.</summary>
    public static void Add(EtlDbContext db, Job job, IReadOnlyList<JobRevision> revisions)
    {
        foreach (var revision in revisions)
        {
            revision.JobId = job.Id;
            db.JobRevisions.Add(revision);
        }
    }

    /// <summary>
    /// The jobs (other than <paramref name="except"/>) whose definition names one of <paramref name="names"/>, as an upstream
    /// link or as a for-each source, before a rename or delete of those jobs changes it.
    /// </summary>
    public static async Task<Dictionary<int, JobBefore>> NamingAsync(
        EtlDbContext db, IReadOnlyCollection<string> names, IReadOnlyCollection<int> except, CancellationToken cancellationToken)
    {
        var list = names.ToList();
        if (list.Count == 0)
        {
            return [];
        }

        var ids = await db.Dependencies.Join(db.Jobs, d => d.UpstreamJobId, j => j.Id, (d, j) => new { d.DownstreamJobId, j.Name })
            .Where(x => list.Contains(x.Name)).Select(x => x.DownstreamJobId)
            .Union(db.Jobs.Where(j => list.Contains(j.ForEachJob)).Select(j => j.Id))
            .ToListAsync(cancellationToken);
        ids.RemoveAll(except.Contains);
        var jobs = await db.Jobs.AsNoTracking().Where(j => ids.Contains(j.Id)).ToListAsync(cancellationToken);
        return await BeforeAsync(db, jobs, cancellationToken);
    }

    /// <summary>
    /// Stores a revision for each job of <paramref name="before"/> as <paramref name="change"/> made it (its links, its
    /// for-each source), and moves its <see cref="Job.Revision"/> on; saves.
    /// </summary>
    public static async Task AddDerivedAsync(
        EtlDbContext db, IEnumerable<JobBefore> before, Func<JobBefore, JobBefore> change, string author, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var old in before)
        {
            var (job, links) = change(old with { Job = Copy(old.Job) });
            var staged = Stage(old, job, links, author, now);
            if (staged.Count == 0)
            {
                continue;
            }

            Add(db, job, staged);
            await db.Jobs.Where(j => j.Id == job.Id).ExecuteUpdateAsync(u => u.SetProperty(j => j.Revision, job.Revision), cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    private static Job Copy(Job job)
    {
        var copy = JsonSerializer.Deserialize<Job>(JsonSerializer.Serialize(job))!;
        copy.Environment = new Dictionary<string, string>(job.Environment, StringComparer.Ordinal);
        return copy;
    }
}
