using System.Text.Json;

namespace EtlWeb.Core.Jobs;

/// <summary>
/// One stored version of a job: every change to its definition (editor, API, import, designer links, enable or disable)
/// adds one, numbered from 1 per job. The definition is the job document without secret values; the changes are the
/// fields that differ from the revision before (a secret's values never, only that it changed).
/// </summary>
public sealed class JobRevision
{
    public long Id { get; set; }

    public int JobId { get; set; }

    public int Number { get; set; }

    /// <summary>Who made the change: a user, a token's owner, or EtlWeb.</summary>
    public string Author { get; set; } = "";

    public DateTimeOffset At { get; set; }

    /// <summary>The job document (JSON) as of this revision, secret values and the designer position left out.</summary>
    public string Definition { get; set; } = "{}";

    /// <summary>The <see cref="FieldChange"/> list (JSON) from the revision before; empty for a job's first recorded state.</summary>
    public string Changes { get; set; } = "[]";

    /// <summary>A job's revision after <paramref name="number"/> - 1, with what changed.</summary>
    public static JobRevision Of(Job job, IEnumerable<DependencyLink> links, int number, string author, DateTimeOffset at, IReadOnlyList<FieldChange> changes) => new()
    {
        JobId = job.Id,
        Number = number,
        Author = author,
        At = at,
        Definition = JsonSerializer.Serialize(JobDocumentMapper.ToDocument(job, links) with { Id = null, DesignerX = null, DesignerY = null }),
        Changes = JsonSerializer.Serialize(changes),
    };

    public IReadOnlyList<FieldChange> ReadChanges() => JsonSerializer.Deserialize<List<FieldChange>>(Changes) ?? [];

    public JobDocument ReadDefinition() => JsonSerializer.Deserialize<JobDocument>(Definition)!;
}

/// <summary>What two revisions of a job differ in, and what a change to a job records.</summary>
public static class JobRevisions
{
    /// <summary>
    /// The fields that differ from <paramref name="from"/> to <paramref name="to"/> (either order). The stored definitions
    /// hold no secret values, so a secret variable counts as changed when a revision between them recorded its change.
    /// </summary>
    public static IReadOnlyList<FieldChange> Compare(JobRevision from, JobRevision to, IEnumerable<JobRevision> all)
    {
        var (older, newer) = from.Number <= to.Number ? (from, to) : (to, from);
        var (before, after) = (Read(from), Read(to));
        var changes = JobChanges.Between(before.Job, Describe(before.Links), after.Job, Describe(after.Links)).ToList();
        var secretChanges = all.Where(r => r.Number > older.Number && r.Number <= newer.Number)
            .SelectMany(r => r.ReadChanges())
            .Where(c => c.Field.StartsWith(JobFields.Environment + ".", StringComparison.Ordinal) && (c.Old == JobChanges.SecretValue || c.New == JobChanges.SecretValue))
            .Select(c => c.Field).Distinct(StringComparer.Ordinal)
            .Where(field => changes.All(c => c.Field != field));
        foreach (var field in secretChanges)
        {
            var name = field[(JobFields.Environment.Length + 1)..];
            changes.Add(new FieldChange(field,
                before.Job.SecretEnvironment.Contains(name) ? JobChanges.SecretValue : null,
                after.Job.SecretEnvironment.Contains(name) ? JobChanges.SecretValue : null));
        }

        return changes;
    }

    /// <summary>How a link reads in a change list: the upstream's name, with its kind and condition when not plain success.</summary>
    public static IReadOnlyList<string> Describe(IEnumerable<DependencyLink> links) =>
        [.. links.OrderBy(l => l.Job, StringComparer.Ordinal).Select(l => l.Describe())];

    private static JobDraft Read(JobRevision revision) => JobDocumentMapper.ToDraft(revision.ReadDefinition(), new ValidationErrors());
}
