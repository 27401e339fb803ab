using EtlWeb.Core.Jobs;
using EtlWeb.Core.Runs;
using EtlWeb.Core.Scheduling;
using EtlWeb.Data;
using EtlWeb.Features.Webhooks;
using EtlWeb.Realtime;
using EtlWeb.Security;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Features.Jobs;

/// <summary>
/// Create, read, update, delete, enable and disable jobs. Every write validates the whole job against
/// the field rules and the other jobs (unique name, known dependencies, no cycle) before anything is saved.
/// </summary>
public sealed partial class JobCatalog(
    IDbContextFactory<EtlDbContext> dbFactory,
    TimeProvider time,
    JobChangeFeed changes,
    CurrentActor actors,
    AuditLog audit,
    WebhookTokens webhooks,
    Runs.WaitReasonReader waits)
{
    public async Task<JobDocument?> GetAsync(int id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var job = await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, cancellationToken);
        if (job is null)
        {
            return null;
        }

        // Only this job's upstream names: reading every job's name would cost a catalogue scan per job shown.
        var upstreams = (await db.Dependencies.Where(d => d.DownstreamJobId == id)
                .Join(db.Jobs, d => d.UpstreamJobId, j => j.Id, (d, j) => new DependencyLink(j.Name, d.When, d.Condition))
                .ToListAsync(cancellationToken))
            .ToLookup(_ => id);
        var latest = await LatestRuns.ReadAsync(db, [id], cancellationToken);
        var progress = await LatestRuns.ItemsProgressAsync(db, latest, cancellationToken);
        var reasons = await waits.DescribeAsync(db, latest.Values, cancellationToken);
        var state = await db.ScheduleStates.AsNoTracking().FirstOrDefaultAsync(s => s.JobId == id, cancellationToken);
        var tokens = await webhooks.RevealAsync(id, cancellationToken);
        var calendars = await CalendarQueries.ForJobsAsync(db, [job], cancellationToken);
        return Describe(job, upstreams, latest, state, calendars.Of(job), time.GetUtcNow()) with
        {
            WebhookToken = tokens.GetValueOrDefault(id),
            ItemsProgress = progress.GetValueOrDefault(id),
            WaitingFor = latest.TryGetValue(id, out var run) ? reasons.GetValueOrDefault(run.Id) : null,
        };
    }

    /// <summary>Creates a job; throws <see cref="JobValidationException"/> naming each bad field.</summary>
    public async Task<JobDocument> CreateAsync(JobDocument document, CancellationToken cancellationToken = default)
    {
        actors.Demand(EtlRoles.Admin, "create jobs", FolderPath.Normalize(document.Folder));
        var id = await SaveAsync(null, document, cancellationToken);
        var created = (await GetAsync(id, cancellationToken))!;
        await audit.RecordAsync(AuditActions.JobCreated, created.Name ?? "", $"job {id}", cancellationToken);
        return created;
    }

    /// <summary>Replaces a job; null when it does not exist. The audit log gets each changed field with its old and new value.</summary>
    public async Task<JobDocument?> UpdateAsync(int id, JobDocument document, CancellationToken cancellationToken = default)
    {
        actors.DemandSomewhere(EtlRoles.Admin, "edit jobs");
        if (await DefinitionAsync(id, cancellationToken) is not { } before)
        {
            return null;
        }

        actors.Demand(EtlRoles.Admin, "edit jobs", before.Job.Folder);
        actors.Demand(EtlRoles.Admin, "move jobs", FolderPath.Normalize(document.Folder));

        await SaveAsync(id, document, cancellationToken);
        var updated = await GetAsync(id, cancellationToken);
        if (await DefinitionAsync(id, cancellationToken) is { } after)
        {
            var changed = JobChanges.Between(before.Job, before.Upstreams, after.Job, after.Upstreams);
            await audit.RecordAsync(AuditActions.JobEdited, after.Job.Name,
                changed.Count == 0 ? $"job {id}: nothing changed" : $"job {id}: " + string.Join("; ", changed.Select(AuditText)), cancellationToken);
        }

        return updated;
    }

    /// <summary>A change as the audit log keeps it: long values (a script) cut to their start and length.</summary>
    private static string AuditText(FieldChange change)
    {
        const int Longest = 200;
        return (change with { Old = Cut(change.Old), New = Cut(change.New) }).ToString();

        static string? Cut(string? value) => value is { Length: > Longest } ? $"{value[..Longest]}… ({value.Length} characters)" : value;
    }

    /// <summary>The job as stored (secret values decrypted, for comparing only) and its upstream jobs' names.</summary>
    private async Task<(Job Job, IReadOnlyList<string> Upstreams)?> DefinitionAsync(int id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, cancellationToken) is not { } job)
        {
            return null;
        }

        var upstreams = await db.Dependencies.Where(d => d.DownstreamJobId == id)
            .Join(db.Jobs, d => d.UpstreamJobId, j => j.Id, (d, j) => new DependencyLink(j.Name, d.When, d.Condition)).ToListAsync(cancellationToken);
        return (job, [.. upstreams.OrderBy(l => l.Job, StringComparer.Ordinal).Select(l => l.Describe())]);
    }

    /// <summary>Checks a document as a create or update would, without saving anything.</summary>
    public async Task<ValidationErrors> ValidateAsync(int? id, JobDocument document, CancellationToken cancellationToken = default)
    {
        var errors = new ValidationErrors();
        var draft = JobDocumentMapper.ToDraft(document, errors);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var all = await db.Jobs.AsNoTracking().Select(j => new { j.Id, j.Name }).ToListAsync(cancellationToken);
        var edges = await db.Dependencies.AsNoTracking().ToListAsync(cancellationToken);
        var known = await KnownResources.ReadAsync(db, cancellationToken);
        CatalogRules.Check(id, draft, all.ToDictionary(j => j.Id, j => j.Name), edges, known, errors, all.Select(j => j.Id).ToHashSet());
        return errors;
    }

    /// <summary>Deletes a job and every dependency edge that touches it; false when it does not exist.</summary>
    public async Task<bool> DeleteAsync(int id, CancellationToken cancellationToken = default)
    {
        actors.DemandSomewhere(EtlRoles.Admin, "delete jobs");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Jobs.Where(j => j.Id == id).Select(j => j.Folder).FirstOrDefaultAsync(cancellationToken) is not { } folder)
        {
            return false;
        }

        actors.Demand(EtlRoles.Admin, "delete jobs", folder);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await CatalogLock.TakeAsync(db, cancellationToken);
        var name = await db.Jobs.Where(j => j.Id == id).Select(j => j.Name).FirstOrDefaultAsync(cancellationToken);
        var naming = name is null ? [] : await RevisionWriter.NamingAsync(db, [name], [id], cancellationToken);
        await db.Dependencies.Where(d => d.UpstreamJobId == id || d.DownstreamJobId == id).ExecuteDeleteAsync(cancellationToken);
        // Each job that depended on it loses that link: a change of its definition, with a revision.
        await RevisionWriter.AddDerivedAsync(db, naming.Values, b => b with { Links = [.. b.Links.Where(l => l.Job != name)] }, Author, time.GetUtcNow(), cancellationToken);
        var deleted = await db.Jobs.Where(j => j.Id == id).ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (deleted > 0)
        {
            changes.Publish(id);
            await audit.RecordAsync(AuditActions.JobDeleted, name ?? "", $"job {id}", cancellationToken);
        }

        return deleted > 0;
    }

    /// <summary>The names of the jobs that depend on <paramref name="id"/>: a delete asks first when there are any.</summary>
    public async Task<IReadOnlyList<string>> DownstreamNamesAsync(int id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Dependencies.Where(d => d.UpstreamJobId == id)
            .Join(db.Jobs, d => d.DownstreamJobId, j => j.Id, (d, j) => j.Name)
            .OrderBy(n => n).ToListAsync(cancellationToken);
    }

    public async Task<bool> SetEnabledAsync(int id, bool enabled, CancellationToken cancellationToken = default)
    {
        actors.DemandSomewhere(EtlRoles.Admin, enabled ? "enable jobs" : "disable jobs");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // The catalogue lock orders this revision after any other write's.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await CatalogLock.TakeAsync(db, cancellationToken);
        var job = await db.Jobs.FirstOrDefaultAsync(j => j.Id == id, cancellationToken);
        if (job is null)
        {
            return false;
        }

        actors.Demand(EtlRoles.Admin, enabled ? "enable jobs" : "disable jobs", job.Folder);

        if (job.Enabled != enabled)
        {
            var now = time.GetUtcNow();
            var before = await RevisionWriter.BeforeAsync(db, [job], cancellationToken);
            job.Enabled = enabled;
            job.UpdatedAt = now;
            RevisionWriter.Add(db, job, RevisionWriter.Stage(before[id], job, before[id].Links, Author, now));
            if (enabled)
            {
                await JobWriter.RestartSchedulesAsync(db, [id], now, cancellationToken);
            }

            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            changes.Publish(id);
            await audit.RecordAsync(enabled ? AuditActions.JobEnabled : AuditActions.JobDisabled, job.Name, $"job {id}", cancellationToken);
        }

        return true;
    }

    private string Author => actors.Value?.Name ?? RevisionWriter.EtlWeb;

    private async Task<int> SaveAsync(int? id, JobDocument document, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var draft = JobDocumentMapper.ToDraft(document, errors);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await CatalogLock.TakeAsync(db, cancellationToken);
        var visible = (await db.Jobs.AsNoTracking().Select(j => j.Id).ToListAsync(cancellationToken)).ToHashSet();

        // Names are unique and the graph acyclic across every folder; a job the user cannot see is no upstream to pick,
        // and a link the job already has to one stays as it is.
        using var everyFolder = FolderVisibility.Restrict(null);
        var names = await db.Jobs.AsNoTracking().ToDictionaryAsync(j => j.Id, j => j.Name, cancellationToken);
        var edges = await db.Dependencies.AsNoTracking().ToListAsync(cancellationToken);
        var known = await KnownResources.ReadAsync(db, cancellationToken);
        (draft, var kept) = HiddenLinks.Keep(id, draft, visible, names, edges);
        CatalogRules.Check(id, draft, names, edges, known, errors, visible.Concat(names.Where(n => kept.Contains(n.Value)).Select(n => n.Key)).ToHashSet());
        if (!errors.IsEmpty)
        {
            throw new JobValidationException(errors);
        }

        int savedId;
        try
        {
            var others = names.Where(n => n.Key != id).ToDictionary(n => n.Value, n => n.Key, StringComparer.Ordinal);
            var written = await JobWriter.WriteAsync(db, [new JobWrite(id, draft)], others, Author, time.GetUtcNow(), cancellationToken);
            savedId = written[0].Id;
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            // Another writer took the name between the check above and this insert.
            errors.Add(JobFields.Name, $"A job named '{draft.Job.Name}' already exists.");
            throw new JobValidationException(errors);
        }

        await transaction.CommitAsync(cancellationToken);
        changes.Publish(savedId);
        return savedId;
    }

    private static JobDocument Describe(Job job, ILookup<int, DependencyLink> upstreams, Dictionary<int, Run> latest, ScheduleState? state, CalendarDays? calendar, DateTimeOffset now)
    {
        var document = JobDocumentMapper.ToDocument(job, upstreams[job.Id]);
        latest.TryGetValue(job.Id, out var run);
        state ??= new ScheduleState { JobId = job.Id, Anchor = job.UpdatedAt };
        return document with
        {
            Status = run is null ? "Idle" : run.Status.ToString(),
            LastRunAt = run?.QueuedAt,
            NextRunAt = ScheduleCalculator.NextFire(job, state, now, calendar),
            PausedUntil = state.PausedUntil > now ? state.PausedUntil : null,
            Revision = job.Revision > 0 ? job.Revision : null,
        };
    }
}
