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

    /// <summary>
    /// For a schedule's fire that joined a run already pending for another instant: the fire's due time (UTC), so the
    /// fire timeline can tell it; null otherwise (a fire's own run has it as its logical date).
    /// </summary>
    public DateTimeOffset? FireAt { get; set; }
}
