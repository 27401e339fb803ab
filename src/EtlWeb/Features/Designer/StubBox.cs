using Blazor.Diagrams.Core.Anchors;
using Blazor.Diagrams.Core.Geometry;
using Blazor.Diagrams.Core.Models;

namespace EtlWeb.Features.Designer;

/// <summary>
/// A job of another folder, or one the user may not see, at the far end of a shown job's dependency: a small fixed box
/// that cannot be moved, edited, linked from nor saved.
/// </summary>
public sealed class StubBox : NodeModel
{
    public const double Width = 170;
    public const double Height = 40;

    public StubBox(StubEnd end, Point position)
        : base(end.Key, position)
    {
        End = end;
        Size = new Size(Width, Height);
        ControlledSize = true;
        Locked = true;
    }

    public StubEnd End { get; }
}

/// <summary>A dependency between a shown box and a stub, dashed; never deleted nor selected for editing.</summary>
public sealed class StubLink : LinkModel
{
    public StubLink(StubBox stub, JobBox box, bool stubIsUpstream)
        : base(
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{stub.End.Key}-{box.JobId}"),
            stubIsUpstream ? new ShapeIntersectionAnchor(stub) : new SinglePortAnchor(box.Output),
            stubIsUpstream ? new SinglePortAnchor(box.Input) : new ShapeIntersectionAnchor(stub))
    {
        TargetMarker = LinkMarker.Arrow;
        Color = "#b0bec5";
        Locked = true;
    }
}
