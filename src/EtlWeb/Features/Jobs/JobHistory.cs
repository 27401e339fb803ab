using System.Text.Json.Serialization;
using EtlWeb.Core.Jobs;
using EtlWeb.Data;
using EtlWeb.Security;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Features.Jobs;

/// <summary>One changed field of a revision: its document name and its values before and after (null: absent).</summary>
public sealed record FieldChangeDocument(
    [property: JsonPropertyName("field")] string Field,
    [property: JsonPropertyName("old")] string? Old,
    [property: JsonPropertyName("new")] string? New)
{
    public static FieldChangeDocument Of(FieldChange change) => new(change.Field, change.Old, change.New);
}

/// <summary>A revision of a job: its number, who made it and when, and what it changed; one read alone also has its definition.</summary>
public sealed record RevisionDocument(
    [property: JsonPropertyName("number")] int Number,
    [property: JsonPropertyName("author")] string Author,
    [property: JsonPropertyName("at")] DateTimeOffset At,
    [property: JsonPropertyName("changes")] IReadOnlyList<FieldChangeDocument> Changes)
{
    /// <summary>The job document as of this revision, secret values left out; only on a single revision.</summary>
    [JsonPropertyName("definition")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JobDocument? Definition { get; init; }

    public static RevisionDocument Of(JobRevision revision) =>
        new(revision.Number, revision.Author, revision.At, [.. revision.ReadChanges().Select(FieldChangeDocument.Of)]);
}

/// <summary>A job's revisions: the list, one with its definition, two compared, and a restore of an old one.</summary>
public sealed class JobHistory(IDbContextFactory<EtlDbContext> dbFactory, JobCatalog catalog, AuditLog audit)
{
    /// <summary>Newest first; null when the job does not exist.</summary>
    public async Task<IReadOnlyList<RevisionDocument>?> ListAsync(int jobId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await db.Jobs.AnyAsync(j => j.Id == jobId, cancellationToken))
        {
            return null;
        }

        var revisions = await db.JobRevisions.AsNoTracking().Where(r => r.JobId == jobId).OrderByDescending(r => r.Number).ToListAsync(cancellationToken);
        return [.. revisions.Select(RevisionDocument.Of)];
    }

    /// <summary>One revision with its definition; null when the job or the revision does not exist.</summary>
    public async Task<RevisionDocument?> GetAsync(int jobId, int number, CancellationToken cancellationToken = default) =>
        await FindAsync(jobId, number, cancellationToken) is { } revision
            ? RevisionDocument.Of(revision) with { Definition = revision.ReadDefinition() }
            : null;

    /// <summary>
    /// The fields that differ from revision <paramref name="from"/> (their old values) to <paramref name="to"/> (their new
    /// values), in either order; null when either does not exist.
    /// </summary>
    public async Task<IReadOnlyList<FieldChangeDocument>?> CompareAsync(int jobId, int from, int to, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var (low, high) = (Math.Min(from, to), Math.Max(from, to));
        var revisions = await db.JobRevisions.AsNoTracking().Where(r => r.JobId == jobId && r.Number >= low && r.Number <= high).ToListAsync(cancellationToken);
        var (before, after) = (revisions.FirstOrDefault(r => r.Number == from), revisions.FirstOrDefault(r => r.Number == to));
        return before is null || after is null ? null : [.. JobRevisions.Compare(before, after, revisions).Select(FieldChangeDocument.Of)];
    }

    /// <summary>
    /// Makes a new revision equal to revision <paramref name="number"/> (an edit like any other: checked, audited); a
    /// secret variable keeps its current value, as no revision holds one. Null when the job or the revision does not exist;
    /// throws <see cref="JobValidationException"/> when the old definition no longer fits (an upstream job was deleted).
    /// </summary>
    public async Task<JobDocument?> RestoreAsync(int jobId, int number, CancellationToken cancellationToken = default)
    {
        if (await FindAsync(jobId, number, cancellationToken) is not { } revision)
        {
            return null;
        }

        var restored = await catalog.UpdateAsync(jobId, revision.ReadDefinition(), cancellationToken);
        if (restored is not null)
        {
            await audit.RecordAsync(AuditActions.JobRestored, restored.Name ?? "", $"job {jobId}: restored revision {number}", cancellationToken);
        }

        return restored;
    }

    private async Task<JobRevision?> FindAsync(int jobId, int number, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.JobRevisions.AsNoTracking().FirstOrDefaultAsync(r => r.JobId == jobId && r.Number == number, cancellationToken);
    }
}
