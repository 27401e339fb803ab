using Blazor.Diagrams.Core.Models;

namespace EtlWeb.Features.Designer;

/// <summary>A stored dependency, drawn from the upstream job's output to the downstream job's input.</summary>
public sealed class DependencyLink : LinkModel
{
    public DependencyLink(JobBox upstream, JobBox downstream)
        : base(IdOf(upstream.JobId, downstream.JobId), upstream.Output, downstream.Input)
    {
        Upstream = upstream;
        Downstream = downstream;
        TargetMarker = LinkMarker.Arrow;
    }

    public JobBox Upstream { get; }

    public JobBox Downstream { get; }

    public (int Upstream, int Downstream) Key => (Upstream.JobId, Downstream.JobId);

    /// <summary>The link's element carries it as <c>data-link-id</c>.</summary>
    public static string IdOf(int upstreamId, int downstreamId) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"dependency-{upstreamId}-{downstreamId}");
}
