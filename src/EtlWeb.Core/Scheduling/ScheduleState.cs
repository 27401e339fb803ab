namespace EtlWeb.Core.Scheduling;

/// <summary>The scheduler's memory of one job's schedule, kept apart from the job's definition.</summary>
public sealed class ScheduleState
{
    public int JobId { get; set; }

    /// <summary>When the current schedule took effect (created, edited or enabled): intervals count from here.</summary>
    public DateTimeOffset Anchor { get; set; }

    /// <summary>The last due time the scheduler handled (fired, skipped or caught up).</summary>
    public DateTimeOffset? LastFireAt { get; set; }

    /// <summary>No scheduled fire before this time.</summary>
    public DateTimeOffset? PausedUntil { get; set; }

    /// <summary>This one due time is recorded as Skipped instead of running.</summary>
    public DateTimeOffset? SkipFireAt { get; set; }
}
