using System.Globalization;

namespace EtlWeb.Features.Dashboard;

/// <summary>How future and past instants read on the dashboard: 24-hour, in the viewer's zone, relative to today.</summary>
public static class DashboardText
{
    /// <summary>"14:05" on the viewer's today, else "Tomorrow 14:05", "Yesterday 14:05" or "Nov 26 14:05".</summary>
    public static string When(DateTimeOffset at, DateTimeOffset now, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        var days = (local.Date - TimeZoneInfo.ConvertTime(now, zone).Date).Days;
        var time = local.ToString("HH:mm", CultureInfo.InvariantCulture);
        return days switch
        {
            0 => time,
            1 => "Tomorrow " + time,
            -1 => "Yesterday " + time,
            _ => local.ToString("MMM d ", CultureInfo.InvariantCulture) + time,
        };
    }

    /// <summary>The same instant on the job's own clock ("09:00 America/New_York"), or null when it reads the same.</summary>
    public static string? InJobZone(DateTimeOffset at, string jobZone, TimeZoneInfo viewer)
    {
        if (string.IsNullOrEmpty(jobZone) || !TimeZoneInfo.TryFindSystemTimeZoneById(jobZone, out var zone)
            || zone.GetUtcOffset(at) == viewer.GetUtcOffset(at))
        {
            return null;
        }

        return TimeZoneInfo.ConvertTime(at, zone).ToString("HH:mm", CultureInfo.InvariantCulture) + " " + jobZone;
    }
}
