using EtlWeb.Core.Jobs;
using EtlWeb.Features.Layout;

namespace EtlWeb.Features.Designer;

/// <summary>
/// What the designer draws of a view's jobs: all of them up to <see cref="DrawAllUpTo"/>; beyond, one group at a
/// time, a group being the jobs linked to each other through dependencies, up and down (a connected component).
/// </summary>
/// <param name="Jobs">The jobs to draw, in the view's order.</param>
/// <param name="Total">How many jobs the view holds.</param>
/// <param name="Around">The job whose group is drawn, when only a group is.</param>
public sealed record GraphPart(IReadOnlyList<JobDocument> Jobs, int Total, JobDocument? Around)
{
    /// <summary>
    /// A view of up to this many jobs is drawn whole. Drawing costs the browser about 3 ms per box, and 300 jobs
    /// with 400 links still read well; 10,000 took half a minute to draw.
    /// </summary>
    public const int DrawAllUpTo = 300;

    public bool IsWhole => Around is null;

    /// <param name="jobs">The jobs of the view (the folder chosen, or all).</param>
    /// <param name="around">The name of the job whose group to draw; without one (or an unknown one) the largest group.</param>
    /// <param name="drawAllUpTo">Up to how many jobs the view is drawn whole.</param>
    public static GraphPart Of(IReadOnlyList<JobDocument> jobs, string? around, int drawAllUpTo = DrawAllUpTo)
    {
        if (jobs.Count <= drawAllUpTo)
        {
            return new GraphPart(jobs, jobs.Count, null);
        }

        var groups = Groups(jobs);
        var chosen = jobs.FirstOrDefault(j => j.Name == around)
            ?? jobs.FirstOrDefault(j => string.Equals(j.Name, around, StringComparison.OrdinalIgnoreCase));
        var group = chosen is not null
            ? groups.Find(chosen.Id!.Value)
            : jobs.GroupBy(j => groups.Find(j.Id!.Value)).MaxBy(g => g.Count())!.Key;
        var drawn = jobs.Where(j => groups.Find(j.Id!.Value) == group).ToList();
        chosen ??= drawn.MinBy(j => j.Name, StringComparer.OrdinalIgnoreCase)!;
        return new GraphPart(drawn, jobs.Count, chosen);
    }

    /// <summary>What is drawn, for the note above the diagram; null when the view is drawn whole.</summary>
    public string? Describe(string folder)
    {
        if (Around is null)
        {
            return null;
        }

        var where = folder.Length > 0 ? $"in folder {folder}" : "in all folders";
        var rest = Total - Jobs.Count;
        var drawn = Jobs.Count == 1 ? $"Showing only {Around.Name}, linked to no other job" : $"Showing the {Wording.Count(Jobs.Count, "job")} linked to {Around.Name}";
        return $"{drawn}; {rest.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} more {where}: find a job to open its group.";
    }

    /// <summary>The jobs' groups by union-find over the dependencies between jobs of the view.</summary>
    private static UnionFind Groups(IReadOnlyList<JobDocument> jobs)
    {
        var groups = new UnionFind();
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var job in jobs)
        {
            groups.Find(job.Id!.Value);
            if (job.Name is not null)
            {
                ids.TryAdd(job.Name, job.Id.Value);
            }
        }

        foreach (var job in jobs)
        {
            foreach (var upstream in (job.Dependencies ?? []).Select(d => d?.Job).OfType<string>())
            {
                if (ids.TryGetValue(upstream, out var id))
                {
                    groups.Union(id, job.Id!.Value);
                }
            }
        }

        return groups;
    }

    private sealed class UnionFind
    {
        private readonly Dictionary<int, int> _parent = [];

        public int Find(int id)
        {
            var root = id;
            while (_parent.TryGetValue(root, out var parent) && parent != root)
            {
                root = parent;
            }

            _parent.TryAdd(root, root);
            while (id != root)
            {
                var next = _parent.GetValueOrDefault(id, root);
                _parent[id] = root;
                id = next;
            }

            return root;
        }

        public void Union(int a, int b)
        {
            var (rootA, rootB) = (Find(a), Find(b));
            if (rootA != rootB)
            {
                _parent[Math.Max(rootA, rootB)] = Math.Min(rootA, rootB);
            }
        }
    }
}
