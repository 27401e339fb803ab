namespace EtlWeb.Core.Runs;

/// <summary>
/// One trigger that asked for a run. A run that has not started yet is joined by later triggers of the
/// same job (unless its overlap policy is Allow), so a run can belong to several pipeline runs.
/// </summary>
public sealed class RunRequest
{
    public long Id { get; set; }

    public long RunId { get; set; }

    public TriggerKind Trigger { get; set; }

    public Guid PipelineId { get; set; }

    public DateTimeOffset RequestedAt { get; set; }
}
