namespace EtlWeb.Core.Jobs;

/// <summary>
/// The graph of dependency edges between jobs (upstream -> downstream), keyed by job name so that
/// messages can name jobs and imports can be checked before any id exists.
/// </summary>
public sealed class DependencyGraph
{
    private readonly Dictionary<string, List<string>> _downstream = new(StringComparer.Ordinal);

    public DependencyGraph(IEnumerable<(string Upstream, string Downstream)> edges)
    {
        foreach (var (upstream, downstream) in edges)
        {
            AddEdge(upstream, downstream);
        }
    }

    public void AddEdge(string upstream, string downstream)
    {
        if (!_downstream.TryGetValue(upstream, out var list))
        {
            list = [];
            _downstream[upstream] = list;
        }

        if (!list.Contains(downstream, StringComparer.Ordinal))
        {
            list.Add(downstream);
        }
    }

    /// <summary>Replaces every upstream edge of <paramref name="job"/>.</summary>
    public void SetUpstreams(string job, IEnumerable<string> upstreams)
    {
        foreach (var list in _downstream.Values)
        {
            list.Remove(job);
        }

        foreach (var upstream in upstreams)
        {
            AddEdge(upstream, job);
        }
    }

    /// <summary>
    /// Finds one cycle, returned as job names in edge order with the first name repeated at the end
    /// (A -> B -> A), or null when the graph is acyclic. Iterative, so long chains cannot overflow the stack.
    /// </summary>
    public IReadOnlyList<string>? FindCycle()
    {
        var state = new Dictionary<string, byte>(StringComparer.Ordinal); // 1 = on the path, 2 = done
        foreach (var start in _downstream.Keys.Order(StringComparer.Ordinal))
        {
            if (state.ContainsKey(start))
            {
                continue;
            }

            var path = new List<string>();
            var stack = new Stack<(string Node, int Next)>();
            stack.Push((start, 0));
            path.Add(start);
            state[start] = 1;
            while (stack.Count > 0)
            {
                var (node, next) = stack.Pop();
                var children = _downstream.TryGetValue(node, out var list) ? list : [];
                if (next < children.Count)
                {
                    stack.Push((node, next + 1));
                    var child = children[next];
                    if (state.TryGetValue(child, out var childState))
                    {
                        if (childState == 1)
                        {
                            var from = path.IndexOf(child);
                            return [.. path.Skip(from), child];
                        }

                        continue;
                    }

                    state[child] = 1;
                    path.Add(child);
                    stack.Push((child, 0));
                }
                else
                {
                    state[node] = 2;
                    path.RemoveAt(path.Count - 1);
                }
            }
        }

        return null;
    }

    public static string DescribeCycle(IReadOnlyList<string> cycle) =>
        "These dependencies form a cycle: " + string.Join(" -> ", cycle) + ".";
}
