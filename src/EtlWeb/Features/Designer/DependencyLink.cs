using Blazor.Diagrams.Core.Models;
using EtlWeb.Core.Jobs;

namespace EtlWeb.Features.Designer;

/// <summary>
/// A stored dependency, drawn from the upstream job's output to the downstream job's input: grey on success, red on
/// failure, amber always, labelled with its kind (when not on success) and its condition.
/// </summary>
public sealed class DependencyLink : LinkModel
{
    public DependencyLink(JobBox upstream, JobBox downstream, LinkKind when, string? condition)
        : base(IdOf(upstream.JobId, downstream.JobId), upstream.Output, downstream.Input)
    {
        Upstream = upstream;
        Downstream = downstream;
        TargetMarker = LinkMarker.Arrow;
        Apply(when, condition);
    }

    public JobBox Upstream { get; }

    public JobBox Downstream { get; }

    public LinkKind When { get; private set; }

    public string? Condition { get; private set; }

    public (int Upstream, int Downstream) Key => (Upstream.JobId, Downstream.JobId);

    /// <summary>The link's element carries it as <c>data-link-id</c>.</summary>
    public static string IdOf(int upstreamId, int downstreamId) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"dependency-{upstreamId}-{downstreamId}");

    public static string ColorOf(LinkKind when) => when switch
    {
        LinkKind.Failure => "#e53935",
        LinkKind.Always => "#fb8c00",
        _ => "#78909c",
    };

    /// <summary>What the arrow says: its kind unless on success, and its condition.</summary>
    public static string LabelOf(LinkKind when, string? condition) => new Core.Jobs.DependencyLink("", when, condition).Details();

    /// <summary>Takes the stored kind and condition; false when they are what it shows already.</summary>
    public bool Apply(LinkKind when, string? condition)
    {
        if (Color is not null && When == when && Condition == condition)
        {
            return false;
        }

        When = when;
        Condition = condition;
        Color = ColorOf(when);
        Labels.Clear();
        if (LabelOf(when, condition) is { Length: > 0 } text)
        {
            Labels.Add(new LinkLabelModel(this, text));
        }

        return true;
    }
}
