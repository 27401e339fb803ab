namespace EtlWeb.Core.Jobs;

public static class DependencyRules
{
    /// <summary>
    /// Checks a job's upstream names against the known jobs (which may include the job itself) and the graph of
    /// every other edge, which must be free of cycles; on success the graph holds the job's new edges.
    /// </summary>
    public static void Check(string jobName, IReadOnlyList<string> upstreams, IReadOnlySet<string> known, DependencyGraph graph, ValidationErrors errors)
    {
        var valid = new List<string>();
        foreach (var upstream in upstreams)
        {
            if (string.Equals(upstream, jobName, StringComparison.Ordinal))
            {
                errors.Add(JobFields.Dependencies, $"'{jobName}' cannot depend on itself.");
            }
            else if (!known.Contains(upstream))
            {
                errors.Add(JobFields.Dependencies, $"There is no job named '{upstream}' to depend on.");
            }
            else
            {
                valid.Add(upstream);
            }
        }

        if (jobName.Length == 0)
        {
            return;
        }

        graph.SetUpstreams(jobName, valid);
        var cycle = graph.FindCycleThrough(jobName);
        if (cycle is not null)
        {
            errors.Add(JobFields.Dependencies, DependencyGraph.DescribeCycle(FromFirstName(cycle)));

            // Refused edges leave the graph, so jobs checked after this one are not blamed for its cycle.
            graph.SetUpstreams(jobName, []);
        }
    }

    /// <summary>The same cycle started at its alphabetically first job, so its message does not depend on which job closed it.</summary>
    private static List<string> FromFirstName(IReadOnlyList<string> cycle)
    {
        var jobs = cycle.Take(cycle.Count - 1).ToList();
        var first = jobs.IndexOf(jobs.Min(StringComparer.Ordinal)!);
        return [.. jobs.Skip(first), .. jobs.Take(first), jobs[first]];
    }
}
