namespace EtlWeb.Core.Jobs;

/// <summary>
/// An edge upstream -> downstream: the downstream job runs after the upstream ended the way <see cref="When"/> says,
/// and only if <see cref="Condition"/> (when there is one) holds over the upstream's outputs and outcome.
/// </summary>
public sealed class JobDependency
{
    public int UpstreamJobId { get; set; }

    public int DownstreamJobId { get; set; }

    public LinkKind When { get; set; }

    /// <summary>An expression (<see cref="LinkConditions"/>); null when the link has none.</summary>
    public string? Condition { get; set; }
}
