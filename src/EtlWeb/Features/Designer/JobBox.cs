using Blazor.Diagrams.Core.Geometry;
using Blazor.Diagrams.Core.Models;
using EtlWeb.Core.Jobs;
using EtlWeb.Features.Jobs;

namespace EtlWeb.Features.Designer;

/// <summary>What a box shows; a live update re-renders the box only when this changes.</summary>
/// <param name="Items">For a for-each job going through its items: "12 of 50 items".</param>
public sealed record BoxFace(string Name, string? JobType, string Schedule, string? Status, bool Enabled, string? Items = null, string? WaitingFor = null)
{
    public static BoxFace Of(JobDocument job) =>
        new(job.Name ?? "", job.JobType, JobDisplay.Schedule(job), job.Status, job.Enabled != false,
            job.ItemsProgress is { } progress ? $"{progress.Done} of {progress.Total} items" : null, job.WaitingFor);
}

/// <summary>One job in the diagram: a fixed-size box with one input port on the left and one output port on the right.</summary>
public sealed class JobBox : NodeModel
{
    public const double Width = 220;
    public const double Height = 64;

    public JobBox(JobDocument job, Point position)
        : base(job.Id!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), position)
    {
        JobId = job.Id.Value;
        Face = BoxFace.Of(job);
        Size = new Size(Width, Height);
        ControlledSize = true;
        Input = (JobPort)AddPort(new JobPort(this, PortAlignment.Left));
        Output = (JobPort)AddPort(new JobPort(this, PortAlignment.Right));
    }

    public int JobId { get; }

    public BoxFace Face { get; private set; }

    public JobPort Input { get; }

    public JobPort Output { get; }

    /// <summary>Takes the job's fresh document; true when the box looks different now.</summary>
    public bool Show(JobDocument job)
    {
        var face = BoxFace.Of(job);
        if (face == Face)
        {
            return false;
        }

        Face = face;
        return true;
    }
}
