using Blazor.Diagrams.Core.Geometry;
using Blazor.Diagrams.Core.Models;
using EtlWeb.Core.Jobs;
using EtlWeb.Features.Jobs;

namespace EtlWeb.Features.Designer;

/// <summary>What a node shows; a live update re-renders the node only when this changes.</summary>
public sealed record NodeFace(string Name, string? JobType, string Schedule, string? Status, bool Enabled)
{
    public static NodeFace Of(JobDocument job) =>
        new(job.Name ?? "", job.JobType, JobDisplay.Schedule(job), job.Status, job.Enabled != false);
}

/// <summary>One job in the diagram: a fixed-size box with one input port on the left and one output port on the right.</summary>
public sealed class JobNode : NodeModel
{
    public const double Width = 220;
    public const double Height = 64;

    public JobNode(JobDocument job, Point position)
        : base(job.Id!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), position)
    {
        JobId = job.Id.Value;
        Face = NodeFace.Of(job);
        Size = new Size(Width, Height);
        ControlledSize = true;
        Input = (JobPort)AddPort(new JobPort(this, PortAlignment.Left));
        Output = (JobPort)AddPort(new JobPort(this, PortAlignment.Right));
    }

    public int JobId { get; }

    public NodeFace Face { get; private set; }

    public JobPort Input { get; }

    public JobPort Output { get; }

    /// <summary>Takes the job's fresh document; true when the node looks different now.</summary>
    public bool Show(JobDocument job)
    {
        var face = NodeFace.Of(job);
        if (face == Face)
        {
            return false;
        }

        Face = face;
        return true;
    }
}
