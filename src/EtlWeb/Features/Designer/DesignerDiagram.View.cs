using Blazor.Diagrams.Core.Geometry;

namespace EtlWeb.Features.Designer;

/// <summary>The view commands: fit, zoom, centre on a box.</summary>
public sealed partial class DesignerDiagram
{
    /// <summary>Shows every box, never larger than 100 % (one job would otherwise fill the screen).</summary>
    public void FitToScreen()
    {
        Diagram.ZoomToFit(Margin);
        if (Diagram.Zoom > 1)
        {
            ZoomBy(1 / Diagram.Zoom);
        }
    }

    /// <summary>Zooms around the middle of the visible area.</summary>
    public void ZoomBy(double factor)
    {
        if (Diagram.Container is not { } container)
        {
            return;
        }

        var zoom = Math.Clamp(Diagram.Zoom * factor, Diagram.Options.Zoom.Minimum, Diagram.Options.Zoom.Maximum);
        var middle = new Point(container.Width / 2, container.Height / 2);
        var focus = new Point((middle.X - Diagram.Pan.X) / Diagram.Zoom, (middle.Y - Diagram.Pan.Y) / Diagram.Zoom);
        Diagram.SetZoom(zoom);
        Diagram.SetPan(middle.X - (focus.X * zoom), middle.Y - (focus.Y * zoom));
    }

    /// <summary>Brings the box to the middle of the visible area at a readable zoom and selects it.</summary>
    public void CentreOn(JobBox box)
    {
        if (Diagram.Container is not { } container)
        {
            return;
        }

        var zoom = Math.Max(Diagram.Zoom, 1);
        Diagram.SetZoom(zoom);
        Diagram.SetPan(
            (container.Width / 2) - ((box.Position.X + (JobBox.Width / 2)) * zoom),
            (container.Height / 2) - ((box.Position.Y + (JobBox.Height / 2)) * zoom));
        Diagram.SelectModel(box, unselectOthers: true);
    }
}
