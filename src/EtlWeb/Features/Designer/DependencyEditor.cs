using EtlWeb.Core.Jobs;
using EtlWeb.Features.Jobs;

namespace EtlWeb.Features.Designer;

/// <summary>What became of a link drawn or deleted in the designer, in words for the person.</summary>
public sealed record DependencyChange(bool Done, string Message);

/// <summary>
/// Adds and removes one dependency by replacing the downstream job through <see cref="JobCatalog.UpdateAsync"/>,
/// so the designer is held to the rules the API and the job editor apply (known jobs, no self-dependency, no
/// cycle), in the same transaction: a refused change writes nothing.
/// </summary>
public sealed class DependencyEditor(JobCatalog catalog)
{
    public async Task<DependencyChange> AddAsync(int upstreamId, int downstreamId, CancellationToken cancellationToken = default)
    {
        if (await LoadAsync(upstreamId, downstreamId, cancellationToken) is not var (upstream, downstream))
        {
            return Gone();
        }

        var current = Entries(downstream);
        if (current.Any(d => d.Job == upstream))
        {
            return new DependencyChange(false, $"'{downstream.Name}' already depends on '{upstream}'.");
        }

        return await SaveAsync(downstream, [.. current, upstream], $"'{downstream.Name}' now depends on '{upstream}'.", cancellationToken);
    }

    /// <summary>Sets when the link from the upstream lets the downstream run; its condition stays.</summary>
    public async Task<DependencyChange> SetKindAsync(int upstreamId, int downstreamId, LinkKind when, CancellationToken cancellationToken = default)
    {
        if (await LoadAsync(upstreamId, downstreamId, cancellationToken) is not var (upstream, downstream))
        {
            return Gone();
        }

        var current = Entries(downstream);
        if (current.FirstOrDefault(d => d.Job == upstream) is not { } link)
        {
            return new DependencyChange(false, $"'{downstream.Name}' does not depend on '{upstream}'.");
        }

        var changed = link with { When = when == LinkKind.Success ? null : JobText.Of(when) };
        var words = when switch
        {
            LinkKind.Failure => "only when it failed",
            LinkKind.Always => "whatever its outcome",
            _ => "when it succeeded",
        };
        return await SaveAsync(downstream, [.. current.Select(d => d == link ? changed : d)], $"'{downstream.Name}' now runs after '{upstream}' {words}.", cancellationToken);
    }

    public async Task<DependencyChange> RemoveAsync(int upstreamId, int downstreamId, CancellationToken cancellationToken = default)
    {
        if (await LoadAsync(upstreamId, downstreamId, cancellationToken) is not var (upstream, downstream))
        {
            return Gone();
        }

        var current = Entries(downstream);
        if (!current.Any(d => d.Job == upstream))
        {
            return new DependencyChange(false, $"'{downstream.Name}' does not depend on '{upstream}'.");
        }

        if (downstream.ForEach?.Job == upstream)
        {
            return new DependencyChange(false, $"'{downstream.Name}' runs once per item of a list '{upstream}' outputs: turn that off in its editor (Dependencies) first.");
        }

        var remaining = current.Where(d => !string.Equals(d.Job, upstream, StringComparison.Ordinal)).ToList();
        return await SaveAsync(downstream, remaining, $"'{downstream.Name}' no longer depends on '{upstream}'.", cancellationToken);
    }

    private async Task<(string Upstream, JobDocument Downstream)?> LoadAsync(int upstreamId, int downstreamId, CancellationToken cancellationToken)
    {
        var upstream = await catalog.GetAsync(upstreamId, cancellationToken);
        var downstream = upstreamId == downstreamId ? upstream : await catalog.GetAsync(downstreamId, cancellationToken);
        return upstream?.Name is { } name && downstream is not null ? (name, downstream) : null;
    }

    private static List<DependencyDocument> Entries(JobDocument job) => [.. (job.Dependencies ?? []).OfType<DependencyDocument>()];

    private async Task<DependencyChange> SaveAsync(JobDocument downstream, IReadOnlyList<DependencyDocument> dependencies, string done, CancellationToken cancellationToken)
    {
        try
        {
            var saved = await catalog.UpdateAsync(downstream.Id!.Value, downstream with { Dependencies = dependencies }, cancellationToken);
            return saved is null ? Gone() : new DependencyChange(true, done);
        }
        catch (JobValidationException ex)
        {
            // A dependency problem is the answer to this change; any other field was already wrong before it.
            var problems = ex.Errors.ToDictionary().Where(e => e.Key.StartsWith(JobFields.Dependencies, StringComparison.Ordinal)).SelectMany(e => e.Value).ToList();
            var message = problems.Count > 0 ? string.Join(" ", problems) : $"'{downstream.Name}' cannot be saved: {ex.Message}";
            return new DependencyChange(false, message);
        }
    }

    private static DependencyChange Gone() => new(false, "One of these jobs was deleted meanwhile.");
}
