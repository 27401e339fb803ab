using EtlWeb.Core.Jobs;

namespace EtlWeb.Features.Templates;

/// <summary>The jobs linked to one job, upstream and downstream at any distance, as Save as template offers them.</summary>
public static class LinkedJobs
{
    /// <summary>The job and every job linked to it, each upstream before the jobs that depend on it (then by name).</summary>
    public static List<JobDocument> Of(JobDocument job, IReadOnlyList<JobDocument> all)
    {
        var byName = all.Where(j => j.Name is not null).ToDictionary(j => j.Name!, StringComparer.Ordinal);
        var neighbours = all.SelectMany(j => j.UpstreamNames().Where(byName.ContainsKey).SelectMany(u => new[] { (j.Name!, u), (u, j.Name!) }))
            .ToLookup(e => e.Item1, e => e.Item2, StringComparer.Ordinal);
        var found = new HashSet<string>(StringComparer.Ordinal) { job.Name! };
        var queue = new Queue<string>([job.Name!]);
        while (queue.TryDequeue(out var name))
        {
            foreach (var next in neighbours[name].Where(found.Add))
            {
                queue.Enqueue(next);
            }
        }

        var ordered = new List<JobDocument>();
        var placed = new HashSet<string>(StringComparer.Ordinal);
        var left = found.Order(StringComparer.Ordinal).Select(n => byName.GetValueOrDefault(n) ?? job).ToList();
        while (left.Count > 0)
        {
            // The graph is acyclic, so some job always has all its upstreams of the set placed.
            var ready = left.First(j => j.UpstreamNames().All(u => !found.Contains(u) || placed.Contains(u)));
            ordered.Add(ready);
            placed.Add(ready.Name!);
            left.Remove(ready);
        }

        return ordered;
    }
}
