using Blazor.Diagrams.Core.Geometry;
using Blazor.Diagrams.Core.Models;
using Blazor.Diagrams.Core.Models.Base;

namespace EtlWeb.Features.Designer;

/// <summary>
/// A box's input (left) or output (right). Its place is known from the box's fixed size, so it is never measured
/// in the browser: 300 jobs cost no round trips for their 600 ports.
/// </summary>
public sealed class JobPort : PortModel
{
    public const double Diameter = 14;

    public JobPort(JobBox parent, PortAlignment alignment)
        : base(parent, alignment, PlaceOn(parent, alignment), new Size(Diameter, Diameter))
    {
        Initialized = true;
    }

    public JobBox Box => (JobBox)Parent;

    public bool IsOutput => Alignment == PortAlignment.Right;

    /// <summary>
    /// A new link may end on a port of the other kind or on a box, the job's own included: the catalogue then refuses
    /// a self-dependency with its message instead of the link silently vanishing.
    /// </summary>
    public override bool CanAttachTo(ILinkable other) =>
        other switch
        {
            JobPort port => port.IsOutput != IsOutput,
            JobBox => true,
            _ => false,
        };

    private static Point PlaceOn(JobBox box, PortAlignment alignment)
    {
        var x = alignment == PortAlignment.Right ? box.Position.X + JobBox.Width : box.Position.X;
        return new Point(x - (Diameter / 2), box.Position.Y + (JobBox.Height / 2) - (Diameter / 2));
    }
}
