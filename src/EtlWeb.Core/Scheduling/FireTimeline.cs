using System.Globalization;
using EtlWeb.Core.Jobs;
using EtlWeb.Core.Runs;

namespace EtlWeb.Core.Scheduling;

/// <summary>What became of one due time of a job's schedule.</summary>
public enum FireOutcome
{
    Ran,
    SkippedOverlap,
    MisfireSkipped,
    CaughtUp,
    Paused,
    SkipNext,
    Disabled,
    Down,
    Blocked,

    /// <summary>Its run was removed by retention: what became of it is no longer known.</summary>
    Purged,

    /// <summary>It fell on a day of the job's calendar: skipped, or moved to a later fire (expected, not missed).</summary>
    Calendar,
}

/// <summary>A stretch of time in which the job's schedule had one definition (from one revision to the next).</summary>
/// <param name="Anchor">
/// For an interval: the instant its due times count from (anchor + k * N minutes); null when no record tells it (a
/// period of a job older than revisions, before a later restart), and then only its recorded runs are shown.
/// </param>
public sealed record SchedulePeriod(DateTimeOffset From, Job Definition, DateTimeOffset? Anchor);

/// <summary>A scheduled or catch-up run of the job, as the timeline reads it.</summary>
/// <param name="Joined">The fire at <paramref name="LogicalDate"/> joined this run, which was already pending for another instant.</param>
public sealed record FiredRun(
    long Id, TriggerKind Trigger, RunStatus Status, string? Reason, DateTimeOffset LogicalDate, DateTimeOffset QueuedAt, DateTimeOffset? FinishedAt, bool Joined = false);

/// <summary>
/// A due time of a period's schedule. <paramref name="Calendar"/> says what the job's calendar did to it: the reason it
/// was removed (<paramref name="Removed"/>), or where a moved fire comes from; empty when it did nothing.
/// </summary>
public sealed record DueTime(DateTimeOffset Due, SchedulePeriod Period, bool Removed = false, string Calendar = "");

/// <summary>One due time and what became of it; <paramref name="RunId"/> is the run it made, if any.</summary>
public sealed record Fire(DateTimeOffset Due, FireOutcome Outcome, long? RunId, string Detail);

/// <summary>
/// Every due time of a job's schedule in a range, each with what became of it: computed from the schedule's definition
/// over time (its revisions), the scheduled and catch-up runs, and the recorded pauses and downtimes.
/// </summary>
public static class FireTimeline
{
    private static readonly Dictionary<RunStatus, string> StatusNames = Enum.GetValues<RunStatus>().ToDictionary(s => s, s => s.ToString());

    /// <summary>How the scheduler words the reason of a fire an operator skipped; the timeline reads it back.</summary>
    public const string OperatorSkip = "Skipped by an operator";

    public static string Name(FireOutcome outcome) => outcome switch
    {
        FireOutcome.Ran => "ran",
        FireOutcome.SkippedOverlap => "skipped_overlap",
        FireOutcome.MisfireSkipped => "misfire_skipped",
        FireOutcome.CaughtUp => "caught_up",
        FireOutcome.Paused => "paused",
        FireOutcome.SkipNext => "skip_next",
        FireOutcome.Disabled => "disabled",
        FireOutcome.Down => "down",
        FireOutcome.Purged => "purged",
        FireOutcome.Calendar => "calendar",
        _ => "blocked",
    };

    /// <summary>
    /// The due times in [from, to], earliest first, each with the period whose definition made it; with the calendars its
    /// jobs name (by name: their current days), the fires they move and the due times they remove (marked).
    /// </summary>
    public static IEnumerable<DueTime> DueTimes(
        IReadOnlyList<SchedulePeriod> periods, DateTimeOffset from, DateTimeOffset to, IReadOnlyDictionary<string, CalendarDays>? calendars = null)
    {
        for (var i = 0; i < periods.Count; i++)
        {
            var period = periods[i];
            var start = Max(from, period.From);
            var end = i + 1 < periods.Count ? Min(periods[i + 1].From, to.AddTicks(1)) : to.AddTicks(1);
            var calendar = period.Definition.Calendar.Length > 0 ? calendars?.GetValueOrDefault(period.Definition.Calendar) : null;
            if (CalendarSchedule.For(period.Definition, period.Anchor ?? period.From, calendar) is { } withCalendar
                && (period.Definition.ScheduleKind == ScheduleKind.Cron || period.Anchor is not null))
            {
                foreach (var fire in start < end ? withCalendar.Between(start, end) : [])
                {
                    yield return new DueTime(fire.Due, period, fire.Removed, fire.Detail);
                }

                continue;
            }

            foreach (var due in Dues(period, start, end))
            {
                yield return new DueTime(due, period);
            }
        }
    }

    /// <summary>The fires of [from, to] up to <paramref name="now"/>, earliest first.</summary>
    public static List<Fire> Explain(
        IReadOnlyList<SchedulePeriod> periods, IEnumerable<FiredRun> runs, IReadOnlyList<ScheduleGap> gaps, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now,
        IReadOnlyDictionary<string, CalendarDays>? calendars = null) =>
        Explain(DueTimes(periods, from, Min(to, now), calendars), runs, gaps, from, Min(to, now));

    /// <summary>The fires of the given due times (those of [from, end], read once by the caller), earliest first.</summary>
    public static List<Fire> Explain(
        IEnumerable<DueTime> dues, IEnumerable<FiredRun> runs, IReadOnlyList<ScheduleGap> gaps, DateTimeOffset from, DateTimeOffset end)
    {
        // The first run made for a due time stands for it.
        var scheduled = new Dictionary<long, FiredRun>();
        var caughtUp = new Dictionary<long, FiredRun>();
        foreach (var run in runs)
        {
            var into = run.Trigger == TriggerKind.CatchUp ? caughtUp : scheduled;
            if (!into.TryGetValue(run.LogicalDate.UtcTicks, out var other) || other.Id > run.Id)
            {
                into[run.LogicalDate.UtcTicks] = run;
            }
        }

        var fires = new List<Fire>();
        var seen = new HashSet<long>();
        foreach (var (due, period, removed, calendar) in dues)
        {
            seen.Add(due.UtcTicks);
            var fire = scheduled.TryGetValue(due.UtcTicks, out var run) ? OfRun(due, run)
                : removed ? new Fire(due, FireOutcome.Calendar, null, calendar)
                : caughtUp.TryGetValue(due.UtcTicks, out var caught) ? new Fire(due, FireOutcome.CaughtUp, caught.Id, $"run by the misfire policy RunOnce after a downtime ({caught.Status})")
                : !period.Definition.Enabled ? new Fire(due, FireOutcome.Disabled, null, "the job was disabled")
                : Unrun(due, gaps);
            fires.Add(removed || calendar.Length == 0 ? fire : fire with { Detail = $"{fire.Detail} ({calendar})" });
        }

        // A scheduled run at a time the definitions do not give (a schedule edited before revisions were kept) is still shown.
        var offSchedule = scheduled.Values.Where(r => r.LogicalDate >= from && r.LogicalDate <= end && !seen.Contains(r.LogicalDate.UtcTicks)).ToList();
        if (offSchedule.Count == 0)
        {
            return fires;
        }

        fires.AddRange(offSchedule.Select(r => OfRun(r.LogicalDate, r)));
        return [.. fires.OrderBy(f => f.Due)];
    }

    private static Fire OfRun(DateTimeOffset due, FiredRun run)
    {
        var reason = run.Reason ?? "";
        return run.Status switch
        {
            RunStatus.Skipped when reason.StartsWith(OperatorSkip, StringComparison.Ordinal) => new Fire(due, FireOutcome.SkipNext, run.Id, reason),
            RunStatus.Skipped when reason.StartsWith(WaitingRunRules.OverlapSkip, StringComparison.Ordinal) => new Fire(due, FireOutcome.SkippedOverlap, run.Id, reason),
            RunStatus.Skipped when reason.StartsWith(WaitingRunRules.DisabledSkip, StringComparison.Ordinal) => new Fire(due, FireOutcome.Disabled, run.Id, reason),
            RunStatus.Skipped or RunStatus.UpstreamFailed => new Fire(due, FireOutcome.Blocked, run.Id, $"{reason} (from {Show(run.QueuedAt)} to {Show(run.FinishedAt ?? run.QueuedAt)})"),
            RunStatus.Waiting when reason.StartsWith("waiting for:", StringComparison.Ordinal) => new Fire(due, FireOutcome.Blocked, run.Id, $"{reason} (since {Show(run.QueuedAt)})"),
            _ when run.Joined => new Fire(due, FireOutcome.Ran, run.Id, $"joined run #{run.Id}, which was already pending ({StatusNames[run.Status]})"),
            _ => new Fire(due, FireOutcome.Ran, run.Id, StatusNames[run.Status]),
        };
    }

    private static Fire Unrun(DateTimeOffset due, IReadOnlyList<ScheduleGap> gaps)
    {
        if (gaps.FirstOrDefault(g => g.Kind == ScheduleGapKind.Paused && g.From <= due && due < g.To) is { } pause)
        {
            return new Fire(due, FireOutcome.Paused, null, $"paused from {Show(pause.From)} until {Show(pause.To)}");
        }

        if (gaps.FirstOrDefault(g => g.Kind == ScheduleGapKind.Down && g.From < due && due <= g.To) is { } down)
        {
            var policy = down.Detail == nameof(MisfirePolicy.RunOnce) ? "ran only the latest missed fire" : "skipped every missed fire";
            return new Fire(due, FireOutcome.MisfireSkipped, null, $"EtlWeb was not running from {Show(down.From)} to {Show(down.To)}; the misfire policy {down.Detail} {policy}");
        }

        if (gaps.FirstOrDefault(g => g.Kind == ScheduleGapKind.Purged && due <= g.To) is { } purged)
        {
            return new Fire(due, FireOutcome.Purged, null, $"retention removed the job's runs up to {Show(purged.To)}");
        }

        return new Fire(due, FireOutcome.Down, null, "no run was made: EtlWeb was not running (or no node was scheduling) at this time");
    }

    private static IEnumerable<DateTimeOffset> Dues(SchedulePeriod period, DateTimeOffset start, DateTimeOffset end)
    {
        var job = period.Definition;
        if (start >= end)
        {
            yield break;
        }

        switch (job.ScheduleKind)
        {
            case ScheduleKind.Cron when CronSchedule.TryParse(job.CronExpression, out var cron, out _) && CronSchedule.TryResolveZone(job.TimeZone, out var zone):
                for (var due = cron!.GetNextOccurrence(start, zone, inclusive: true); due is { } d && d < end; due = cron.GetNextOccurrence(d, zone, inclusive: false))
                {
                    yield return d;
                }

                break;
            case ScheduleKind.Interval when job.IntervalMinutes >= 1:
                if (period.Anchor is not { } anchor)
                {
                    break;
                }

                var step = TimeSpan.FromMinutes(job.IntervalMinutes);
                // A schedule (re)started at its period's start fires first one interval later; an older anchor counts back too.
                var first = (long)Math.Ceiling((start - anchor) / step);
                if (anchor >= period.From)
                {
                    first = Math.Max(first, 1);
                }

                for (var k = first; anchor + (step * k) < end; k++)
                {
                    yield return anchor + (step * k);
                }

                break;
        }
    }

    private static string Show(DateTimeOffset instant) => instant.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}

/// <summary>One revision of a job as the timeline reads it: when it was made, its definition, and whether it created the job.</summary>
public sealed record DefinitionAt(DateTimeOffset At, Job Definition, bool Creation);

/// <summary>The periods of a job's schedule, from its revisions: each revision's definition holds until the next one.</summary>
public static class SchedulePeriods
{
    /// <param name="revisions">The job's revisions, oldest first.</param>
    /// <param name="anchor">
    /// The schedule's current anchor (its state): where an interval counts from since its last restart; before a restart
    /// no revision records, the anchor is not known.
    /// </param>
    public static IReadOnlyList<SchedulePeriod> Of(Job job, DateTimeOffset anchor, IReadOnlyList<DefinitionAt> revisions)
    {
        if (revisions.Count == 0)
        {
            return [new SchedulePeriod(job.CreatedAt, job, anchor)];
        }

        var restarts = revisions.Select((r, i) => i == 0 ? r.Creation : ScheduleCalculator.Restarts(revisions[i - 1].Definition, r.Definition)).ToList();
        var periods = new List<SchedulePeriod>();
        var restartedAt = (DateTimeOffset?)null;
        for (var i = 0; i < revisions.Count; i++)
        {
            var (at, definition, _) = revisions[i];
            if (restarts[i])
            {
                restartedAt = at;
            }

            var laterRestart = restarts.Skip(i + 1).Any(r => r);
            periods.Add(new SchedulePeriod(i == 0 && job.CreatedAt < at ? job.CreatedAt : at, definition, restartedAt ?? (laterRestart ? null : anchor)));
        }

        return periods;
    }
}
