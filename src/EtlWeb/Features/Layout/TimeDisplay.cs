using System.Globalization;

namespace EtlWeb.Features.Layout;

/// <summary>
/// How times read on screen: in the browser's time zone (the server only knows its own), short when the
/// moment is today, with the full timestamp for tooltips. Cascaded by the layout.
/// </summary>
public sealed class TimeDisplay(TimeZoneInfo zone, TimeProvider time)
{
    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    public TimeZoneInfo Zone => zone;

    /// <summary>The zone's name as people know it: "UTC" or an IANA id such as "Europe/Paris".</summary>
    public string ZoneName => zone == TimeZoneInfo.Utc ? "UTC" : zone.Id;

    public DateTimeOffset Now => TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone);

    /// <summary>"14:03:05" today, "27 Nov 14:03" this year, "2025-11-27 14:03" before.</summary>
    public string Compact(DateTimeOffset? at)
    {
        if (at is not { } value)
        {
            return "";
        }

        var local = TimeZoneInfo.ConvertTime(value, zone);
        var now = Now;
        return local.Date == now.Date ? local.ToString("HH:mm:ss", Culture)
            : local.Year == now.Year ? local.ToString("d MMM HH:mm", Culture)
            : local.ToString("yyyy-MM-dd HH:mm", Culture);
    }

    public string Full(DateTimeOffset? at) =>
        at is { } value ? $"{TimeZoneInfo.ConvertTime(value, zone).ToString("yyyy-MM-dd HH:mm:ss", Culture)} {ZoneName}" : "";

    /// <summary>"850 ms", "12.4 s" ("30 s" when whole), "4 min 05 s", "2 h 07 min".</summary>
    public static string Duration(TimeSpan? span) => span switch
    {
        null => "",
        { TotalSeconds: < 1 } d => $"{Math.Max(0, (int)d.TotalMilliseconds)} ms",
        { TotalMinutes: < 1 } d => d.TotalSeconds.ToString(d.Milliseconds == 0 ? "0 s" : "0.0 s", Culture),
        { TotalHours: < 1 } d => $"{(int)d.TotalMinutes} min {d.Seconds:00} s",
        var d => $"{(int)d.Value.TotalHours} h {d.Value.Minutes:00} min",
    };
}
