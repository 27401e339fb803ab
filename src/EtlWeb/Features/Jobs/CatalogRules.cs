using EtlWeb.Core.Jobs;

namespace EtlWeb.Features.Jobs;

/// <summary>The rules of a job that need the others: checked on every create and update, before anything is saved.</summary>
internal static class CatalogRules
{
    /// <summary>Rules that need the other jobs, the pools and the connections: unique name, dependencies that exist, no self-dependency, no cycle, a pool and a connection that exist.</summary>
    public static void Check(
        int? id, JobDraft draft, Dictionary<int, string> names, List<JobDependency> edges, KnownResources resources, ValidationErrors errors, IReadOnlySet<int> visible)
    {
        resources.Check(draft.Job, errors);
        var name = draft.Job.Name;
        if (name.Length > 0 && names.Any(n => n.Key != id && string.Equals(n.Value, name, StringComparison.Ordinal)))
        {
            errors.Add(JobFields.Name, $"A job named '{name}' already exists.");
        }

        var known = names.Where(n => n.Key != id && visible.Contains(n.Key)).Select(n => n.Value).ToHashSet(StringComparer.Ordinal);
        var graph = new DependencyGraph(edges
            .Where(e => names.ContainsKey(e.UpstreamJobId) && names.ContainsKey(e.DownstreamJobId))
            .Select(e => (Rename(names[e.UpstreamJobId], e.UpstreamJobId), Rename(names[e.DownstreamJobId], e.DownstreamJobId))));
        DependencyRules.Check(name, draft.Dependencies, known, graph, errors);

        string Rename(string current, int jobId) => jobId == id ? name : current;
    }
}
