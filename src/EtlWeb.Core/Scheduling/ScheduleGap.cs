namespace EtlWeb.Core.Scheduling;

/// <summary>Why a job's schedule did not fire for a while, as the fire timeline explains it.</summary>
public enum ScheduleGapKind
{
    /// <summary>An operator paused the schedule until a time (or resumed it early: the gap then ends there).</summary>
    Paused,

    /// <summary>EtlWeb was not running (or no node scheduled): found when the scheduler starts and applies the misfire policy.</summary>
    Down,

    /// <summary>Retention removed the job's scheduled runs up to <see cref="ScheduleGap.To"/>: their fires are no longer known.</summary>
    Purged,
}

/// <summary>A span of time in which a job's due times were not fired, with why; the scheduler and the pause action record them.</summary>
public sealed class ScheduleGap
{
    public long Id { get; set; }

    public int JobId { get; set; }

    public ScheduleGapKind Kind { get; set; }

    /// <summary>Due times after this instant fall in the gap.</summary>
    public DateTimeOffset From { get; set; }

    /// <summary>Due times at or before this instant fall in the gap (a pause lets a fire at its end through).</summary>
    public DateTimeOffset To { get; set; }

    /// <summary>For a downtime: the misfire policy applied when it ended (<c>RunOnce</c> or <c>Skip</c>).</summary>
    public string Detail { get; set; } = "";
}
