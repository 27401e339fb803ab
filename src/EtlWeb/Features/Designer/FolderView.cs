using EtlWeb.Core.Jobs;

namespace EtlWeb.Features.Designer;

/// <summary>A job the designer does not show as a box but links to: one in another folder, or one the user may not see (no name, no folder).</summary>
/// <param name="Key">Names the stub in the diagram and its links.</param>
/// <param name="Folder">The other job's folder; null for a job the user may not see.</param>
public sealed record StubEnd(string Key, string Name, string? Folder)
{
    public const string HiddenName = "a hidden job";

    public bool Hidden => Folder is null;
}

/// <summary>A dependency between a shown box and a stub; <paramref name="StubIsUpstream"/> says which way it points.</summary>
public sealed record StubEdge(string StubKey, int JobId, bool StubIsUpstream);

/// <summary>A dependency between a job the user sees and one they may not see, as the unfiltered dependency rows tell it.</summary>
public sealed record HiddenNeighbour(int JobId, bool HiddenIsUpstream);

/// <summary>
/// What the designer shows for one folder: the jobs of that folder and the folders below it as boxes (or one group of
/// them, <see cref="GraphPart"/>), and every job linked to one of them from elsewhere as a stub. Dependencies between two shown jobs are the boxes' own links.
/// </summary>
public sealed record FolderView(IReadOnlyList<JobDocument> Jobs, IReadOnlyList<StubEnd> Stubs, IReadOnlyList<StubEdge> Edges)
{
    public static readonly FolderView Empty = new([], [], []);

    /// <param name="jobs">The jobs the user may see, each with its upstream jobs by name.</param>
    /// <param name="folder">The folder shown, "" for all.</param>
    /// <param name="hidden">The dependencies of seen jobs on, or from, jobs the user may not see.</param>
    public static FolderView Of(IReadOnlyCollection<JobDocument> jobs, string folder, IEnumerable<HiddenNeighbour> hidden) =>
        Of(jobs, jobs.Where(j => FolderPath.Covers(folder, j.Folder ?? "")).ToList(), hidden);

    /// <param name="jobs">The jobs the user may see, each with its upstream jobs by name.</param>
    /// <param name="shown">Those drawn as boxes (a folder's jobs, or a group of them, <see cref="GraphPart"/>).</param>
    /// <param name="hidden">The dependencies of seen jobs on, or from, jobs the user may not see.</param>
    public static FolderView Of(IReadOnlyCollection<JobDocument> jobs, IReadOnlyList<JobDocument> shown, IEnumerable<HiddenNeighbour> hidden)
    {
        var shownIds = shown.Select(j => j.Id!.Value).ToHashSet();
        var byName = jobs.Where(j => j.Name is not null).DistinctBy(j => j.Name).ToDictionary(j => j.Name!, StringComparer.Ordinal);
        var stubs = new Dictionary<string, StubEnd>(StringComparer.Ordinal);
        var edges = new List<StubEdge>();
        foreach (var job in jobs)
        {
            var isShown = shownIds.Contains(job.Id!.Value);
            foreach (var upstream in (job.Dependencies ?? []).Select(d => d?.Job).OfType<string>().Select(byName.GetValueOrDefault).OfType<JobDocument>())
            {
                if (isShown == shownIds.Contains(upstream.Id!.Value))
                {
                    continue;
                }

                var (other, mine, stubIsUpstream) = isShown ? (upstream, job, true) : (job, upstream, false);
                var stub = new StubEnd(JobKey(other.Id!.Value), other.Name!, other.Folder ?? "");
                stubs.TryAdd(stub.Key, stub);
                edges.Add(new StubEdge(stub.Key, mine.Id!.Value, stubIsUpstream));
            }
        }

        // One "hidden job" stub per box and side: the stubs tell that something is there, not how many or which.
        foreach (var link in hidden.Where(h => shownIds.Contains(h.JobId)).Distinct())
        {
            var key = HiddenKey(link.JobId, link.HiddenIsUpstream);
            if (stubs.TryAdd(key, new StubEnd(key, StubEnd.HiddenName, null)))
            {
                edges.Add(new StubEdge(key, link.JobId, link.HiddenIsUpstream));
            }
        }

        return new FolderView(shown, [.. stubs.Values], [.. edges.Distinct()]);
    }

    public static string JobKey(int jobId) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"stub-job-{jobId}");

    public static string HiddenKey(int jobId, bool upstream) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"stub-hidden-{(upstream ? "up" : "down")}-{jobId}");
}
