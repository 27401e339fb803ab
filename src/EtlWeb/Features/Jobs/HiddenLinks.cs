using EtlWeb.Core.Jobs;

namespace EtlWeb.Features.Jobs;

/// <summary>
/// The links a job has to upstream jobs in folders the editing user cannot see: they are not in the document the user
/// was given (nor named to them), so a save keeps them as they are rather than dropping them.
/// </summary>
internal static class HiddenLinks
{
    /// <summary>The draft with those links added back, and their upstream jobs' names (the only hidden names a save may carry).</summary>
    public static (JobDraft Draft, IReadOnlySet<string> Kept) Keep(
        int? id, JobDraft draft, IReadOnlySet<int> visible, IReadOnlyDictionary<int, string> names, IEnumerable<JobDependency> edges)
    {
        var hidden = id is null
            ? []
            : edges.Where(e => e.DownstreamJobId == id && !visible.Contains(e.UpstreamJobId) && names.ContainsKey(e.UpstreamJobId))
                .Select(e => DependencyLink.Of(names[e.UpstreamJobId], e)).ToList();
        if (hidden.Count == 0)
        {
            return (draft, new HashSet<string>());
        }

        var kept = hidden.Select(h => h.Job).ToHashSet(StringComparer.Ordinal);
        return (new JobDraft(draft.Job, [.. draft.Links.Where(l => !kept.Contains(l.Job)), .. hidden], draft.SecretsWithoutValue), kept);
    }
}
