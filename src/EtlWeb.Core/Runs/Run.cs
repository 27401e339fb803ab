namespace EtlWeb.Core.Runs;

/// <summary>One triggered execution of a job, with the definition snapshot it runs with.</summary>
public sealed class Run
{
    public long Id { get; set; }

    public int JobId { get; set; }

    public TriggerKind Trigger { get; set; }

    public RunStatus Status { get; set; }

    /// <summary>Why the run is waiting, was skipped or ended the way it did.</summary>
    public string? Reason { get; set; }

    /// <summary>The job document (JSON) the run executes with; later edits do not change it.</summary>
    public string DefinitionSnapshot { get; set; } = "";

    public Guid? PipelineId { get; set; }

    public DateTimeOffset QueuedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>Set when a cancel was asked for; the node running the attempt stops it.</summary>
    public bool CancelRequested { get; set; }

    public List<Attempt> Attempts { get; set; } = [];
}
