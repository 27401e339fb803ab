namespace EtlWeb.Core.Jobs;

/// <summary>
/// The graph of dependency edges between jobs (upstream -> downstream), keyed by job name so that
/// messages can name jobs and imports can be checked before any id exists.
/// </summary>
public sealed class DependencyGraph
{
    private readonly Dictionary<string, List<string>> _downstream = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _upstream = new(StringComparer.Ordinal);

    public DependencyGraph(IEnumerable<(string Upstream, string Downstream)> edges)
    {
        foreach (var (upstream, downstream) in edges)
        {
            AddEdge(upstream, downstream);
        }
    }

    public void AddEdge(string upstream, string downstream)
    {
        if (!_upstream.TryGetValue(downstream, out var upstreams))
        {
            upstreams = new HashSet<string>(StringComparer.Ordinal);
            _upstream[downstream] = upstreams;
        }

        if (!upstreams.Add(upstream))
        {
            return;
        }

        if (!_downstream.TryGetValue(upstream, out var list))
        {
            list = [];
            _downstream[upstream] = list;
        }

        list.Add(downstream);
    }

    /// <summary>Replaces every upstream edge of <paramref name="job"/>.</summary>
    public void SetUpstreams(string job, IEnumerable<string> upstreams)
    {
        if (_upstream.Remove(job, out var previous))
        {
            foreach (var upstream in previous)
            {
                _downstream[upstream].Remove(job);
            }
        }

        foreach (var upstream in upstreams)
        {
            AddEdge(upstream, job);
        }
    }

    /// <summary>
    /// Finds a cycle through <paramref name="job"/>, returned as job names in edge order starting and ending with
    /// it (A -> B -> A), or null. When the graph had no cycle before the job's edges changed, any cycle now passes
    /// through the job, so this checks a change in the time of the job's downstream part, not of the whole graph.
    /// Iterative, so long chains cannot overflow the stack.
    /// </summary>
    public IReadOnlyList<string>? FindCycleThrough(string job)
    {
        var visited = new HashSet<string>(StringComparer.Ordinal) { job };
        var path = new List<string> { job };
        var stack = new Stack<int>();
        stack.Push(0);
        while (stack.Count > 0)
        {
            var next = stack.Pop();
            var children = _downstream.TryGetValue(path[^1], out var list) ? list : [];
            if (next >= children.Count)
            {
                path.RemoveAt(path.Count - 1);
                continue;
            }

            stack.Push(next + 1);
            var child = children[next];
            if (string.Equals(child, job, StringComparison.Ordinal))
            {
                return [.. path, job];
            }

            if (visited.Add(child))
            {
                path.Add(child);
                stack.Push(0);
            }
        }

        return null;
    }

    public static string DescribeCycle(IReadOnlyList<string> cycle) =>
        "These dependencies form a cycle: " + string.Join(" -> ", cycle) + ".";
}
