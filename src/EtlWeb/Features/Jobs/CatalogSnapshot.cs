using System.Collections.Concurrent;
using System.Collections.Immutable;
using EtlWeb.Core.Jobs;
using EtlWeb.Security;

namespace EtlWeb.Features.Jobs;

/// <summary>
/// The job catalogue at one moment, never changed once made: every tab that shows it holds the same documents, the same
/// dictionary and the same list in name order rather than a copy. A change makes a new snapshot that shares the
/// unchanged documents with the old one.
/// </summary>
public sealed class CatalogSnapshot
{
    public const string HiddenJob = "a hidden job";

    private readonly Lazy<IReadOnlyList<(string Path, int Count)>> _folders;
    private ConcurrentDictionary<string, CatalogSnapshot>? _views;

    public CatalogSnapshot(ImmutableDictionary<int, JobDocument> jobs, long version)
    {
        Jobs = jobs;
        Version = version;
        ByName = [.. jobs.Values.OrderBy(j => j.Name ?? "", StringComparer.OrdinalIgnoreCase).ThenBy(j => j.Name, StringComparer.Ordinal)];
        _folders = new Lazy<IReadOnlyList<(string, int)>>(() => FoldersOf(Jobs.Values));
    }

    /// <summary>Grows with each snapshot the shared catalogue publishes; a view of a snapshot has the snapshot's.</summary>
    public long Version { get; }

    public ImmutableDictionary<int, JobDocument> Jobs { get; }

    /// <summary>Every job by name, as the main screen lists them unfiltered: shared by the tabs, so nobody may change it.</summary>
    public List<JobDocument> ByName { get; }

    /// <summary>Every folder that holds a job, with each folder above it, and how many jobs each holds (its subfolders' too); the root first.</summary>
    public IReadOnlyList<(string Path, int Count)> Folders => _folders.Value;

    public static IReadOnlyList<(string Path, int Count)> FoldersOf(IEnumerable<JobDocument> jobs) =>
        [.. jobs.SelectMany(j => FolderPath.SelfAndAncestors(j.Folder ?? ""))
            .GroupBy(f => f, StringComparer.Ordinal)
            .Select(g => (Path: g.Key, Count: g.Count()))
            .OrderBy(f => f.Path.Replace('/', '\u0001'), StringComparer.OrdinalIgnoreCase)];

    /// <summary>
    /// What <paramref name="viewer"/> may see of this snapshot (read by EtlWeb's engine, which sees everything): the jobs
    /// of the folders it sees, without the names of the jobs it does not (a link to one is left out, as the database read
    /// for that viewer leaves it out, and a wait reason calls it "a hidden job"), and the webhook tokens only for a global
    /// Operator or Admin. Nobody sees nothing. Everyone who sees it all gets this very snapshot, and the viewers who see
    /// the same get the same view, made once.
    /// </summary>
    public CatalogSnapshot For(ViewerScope viewer)
    {
        if (viewer.SeesNothing || (viewer.Folders is null && viewer.SeesTokens))
        {
            return Filter(viewer);
        }

        var views = LazyInitializer.EnsureInitialized(ref _views, () => new ConcurrentDictionary<string, CatalogSnapshot>(StringComparer.Ordinal));
        return views.GetOrAdd(viewer.Key, static (_, state) => state.Snapshot.Filter(state.Viewer), (Snapshot: this, Viewer: viewer));
    }

    private CatalogSnapshot Filter(ViewerScope viewer)
    {
        if (viewer.SeesNothing)
        {
            return new CatalogSnapshot(ImmutableDictionary<int, JobDocument>.Empty, Version);
        }

        if (viewer.Folders is null && viewer.SeesTokens)
        {
            return this;
        }

        var hidden = viewer.Folders is null ? [] : Jobs.Values.Where(j => !viewer.Sees(j.Folder)).Select(j => j.Name).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var visible = ImmutableDictionary.CreateBuilder<int, JobDocument>();
        foreach (var (id, job) in Jobs)
        {
            if (viewer.Sees(job.Folder))
            {
                visible[id] = Redact(job, hidden, viewer.SeesTokens);
            }
        }

        return new CatalogSnapshot(visible.ToImmutable(), Version);
    }

    private static JobDocument Redact(JobDocument job, HashSet<string> hidden, bool seesTokens)
    {
        var result = seesTokens || job.WebhookToken is null ? job : job with { WebhookToken = null };
        if (hidden.Count == 0 || !job.UpstreamNames().Any(hidden.Contains))
        {
            return result;
        }

        var waiting = job.WaitingFor;
        foreach (var name in job.UpstreamNames().Where(hidden.Contains))
        {
            waiting = waiting?.Replace(name, HiddenJob, StringComparison.Ordinal);
        }

        return result with
        {
            Dependencies = [.. (job.Dependencies ?? []).Where(d => d?.Job is not { } name || !hidden.Contains(name))],
            WaitingFor = waiting,
        };
    }
}

/// <summary>What a viewer of the catalogue may see: the folders (null: all) and whether the webhook tokens.</summary>
public sealed record ViewerScope(IReadOnlyList<string>? Folders, bool SeesTokens, bool SeesNothing = false)
{
    /// <summary>The scope of an actor, as the database reads for it would be: its visible folders, tokens for a global Operator.</summary>
    public static ViewerScope Of(Actor? actor) => actor is null
        ? new ViewerScope([], SeesTokens: false, SeesNothing: true)
        : new ViewerScope(actor.VisibleFolders, EtlRoles.Allows(actor.Role, EtlRoles.Operator));

    /// <summary>The test the database's folder filter makes (<c>EtlDbContext</c>): the folder itself or one below it.</summary>
    public bool Sees(string? folder) =>
        Folders is null || Folders.Any(f => string.Equals(folder, f, StringComparison.Ordinal) || (folder ?? "").StartsWith(f + "/", StringComparison.Ordinal));

    /// <summary>A key equal for viewers who see the same, so their views are made once.</summary>
    public string Key => SeesNothing ? "-" : $"{SeesTokens}|{(Folders is null ? "*" : string.Join('\n', Folders.Order(StringComparer.Ordinal)))}";
}
