using System.Globalization;

namespace EtlWeb.Features.Jobs.MainScreen;

/// <summary>How a fire looks on the timeline, worst first: a cell takes the look of its worst fire.</summary>
public enum FireLook
{
    Missed,
    Failed,
    Blocked,
    Skipped,
    CaughtUp,
    Off,
    Purged,
    Ran,
}

/// <summary>One hour of one day on the timeline, with its fires (none when nothing was due).</summary>
public sealed record FireCell(DateTimeOffset Start, IReadOnlyList<FireDocument> Fires)
{
    public FireLook? Look => Fires.Count == 0 ? null : Fires.Min(FireStrip.LookOf);
}

/// <summary>One day of the timeline: 24 hourly cells in the display zone.</summary>
public sealed record FireDay(DateOnly Date, IReadOnlyList<FireCell> Hours);

/// <summary>The fire timeline as a heat strip: a row per day, a cell per hour, newest day first.</summary>
public static class FireStrip
{
    public static IReadOnlyList<FireDay> Of(IReadOnlyList<FireDocument> fires, DateTimeOffset from, DateTimeOffset to, TimeZoneInfo zone)
    {
        var byHour = fires.ToLookup(f => Hour(TimeZoneInfo.ConvertTime(f.Due, zone)));
        var days = new List<FireDay>();
        var first = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(from, zone).DateTime);
        for (var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(to, zone).DateTime); day >= first; day = day.AddDays(-1))
        {
            var date = day;
            days.Add(new FireDay(date, [.. Enumerable.Range(0, 24).Select(h =>
            {
                var local = date.ToDateTime(new TimeOnly(h, 0));
                return new FireCell(new DateTimeOffset(local, zone.GetUtcOffset(local)), [.. byHour[local]]);
            })]));
        }

        return days;
    }

    public static FireLook LookOf(FireDocument fire) => fire.Outcome switch
    {
        "down" or "misfire_skipped" => FireLook.Missed,
        "blocked" => FireLook.Blocked,
        "skipped_overlap" or "skip_next" => FireLook.Skipped,
        "caught_up" => FireLook.CaughtUp,
        "paused" or "disabled" or "calendar" => FireLook.Off,
        "purged" => FireLook.Purged,
        _ when fire.RunStatus is "Failed" or "TimedOut" or "Interrupted" or "Cancelled" or "UpstreamFailed" => FireLook.Failed,
        _ => FireLook.Ran,
    };

    public static string CssClass(FireLook? look) => look switch
    {
        null => "etl-fire-none",
        _ => "etl-fire-" + look.Value.ToString().ToLowerInvariant(),
    };

    /// <summary>What a cell's tooltip says: the hour and how many fires had each outcome.</summary>
    public static string Describe(FireCell cell, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(cell.Start, zone);
        var hour = local.ToString("ddd dd MMM HH:00", CultureInfo.InvariantCulture);
        return cell.Fires.Count == 0
            ? $"{hour}: nothing due"
            : $"{hour}: " + string.Join(", ", cell.Fires.GroupBy(f => f.RunStatus is { } status && f.Outcome == "ran" ? $"ran ({status})" : f.Outcome.Replace('_', ' '))
                .Select(g => $"{g.Count()} {g.Key}"));
    }

    public static string Legend(FireLook look) => look switch
    {
        FireLook.Missed => "missed (down, misfire)",
        FireLook.Failed => "ran, failed",
        FireLook.Blocked => "blocked by an upstream",
        FireLook.Skipped => "skipped (overlap, skip-next)",
        FireLook.CaughtUp => "caught up",
        FireLook.Off => "paused, disabled or a calendar day",
        FireLook.Purged => "run removed by retention",
        _ => "ran",
    };

    private static DateTime Hour(DateTimeOffset local) => new(local.Year, local.Month, local.Day, local.Hour, 0, 0, DateTimeKind.Unspecified);
}
