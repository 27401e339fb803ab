namespace EtlWeb.Core.Jobs;

/// <summary>Which jobs a trigger starts together: the pipeline run.</summary>
public static class PipelinePlanner
{
    /// <summary>
    /// The triggered job plus, when <paramref name="withDownstream"/>, every enabled downstream job whose
    /// schedule is Manual, transitively. A job with its own schedule is not pulled in, nor is what lies
    /// only below it; a disabled job is never started by its upstream.
    /// </summary>
    public static IReadOnlyList<int> Expand(int root, IReadOnlyDictionary<int, Job> jobs, ILookup<int, int> downstreamOf, bool withDownstream)
    {
        var members = new List<int> { root };
        if (!withDownstream)
        {
            return members;
        }

        var seen = new HashSet<int> { root };
        var queue = new Queue<int>([root]);
        while (queue.Count > 0)
        {
            foreach (var next in downstreamOf[queue.Dequeue()])
            {
                if (jobs.TryGetValue(next, out var job) && job.Enabled && job.ScheduleKind == ScheduleKind.Manual && seen.Add(next))
                {
                    members.Add(next);
                    queue.Enqueue(next);
                }
            }
        }

        return members;
    }

    /// <summary>The jobs a pipeline expansion may touch: the roots and everything downstream of them.</summary>
    public static HashSet<int> Reachable(IEnumerable<int> roots, ILookup<int, int> downstreamOf)
    {
        var seen = new HashSet<int>(roots);
        var queue = new Queue<int>(seen);
        while (queue.Count > 0)
        {
            foreach (var next in downstreamOf[queue.Dequeue()])
            {
                if (seen.Add(next))
                {
                    queue.Enqueue(next);
                }
            }
        }

        return seen;
    }

    /// <summary>
    /// Whether a trigger joins the job's pending run instead of making its own: one pending run per job, unless the
    /// overlap policy is Allow or the trigger brings input of its own (a webhook's variables), which a shared run would not see.
    /// </summary>
    public static bool JoinsPendingRun(OverlapPolicy policy, bool hasOwnInput) => policy != OverlapPolicy.Allow && !hasOwnInput;
}
