using Cronos;

namespace EtlWeb.Core.Scheduling;

/// <summary>
/// Parses cron expressions the way EtlWeb accepts them: 5 fields, 6 with seconds, or a macro; with the traditional day
/// rule (<see cref="CronRule"/>).
/// </summary>
public static class CronSchedule
{
    public static bool TryParse(string expression, out CronRule? cron, out string error)
    {
        cron = null;
        error = "";
        var trimmed = expression.Trim();
        if (trimmed.Length == 0)
        {
            error = "A cron expression is required for a cron schedule.";
            return false;
        }

        var fields = trimmed.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        CronFormat format;
        if (trimmed.StartsWith('@') && fields.Length == 1)
        {
            format = CronFormat.Standard;
        }
        else if (fields.Length == 5)
        {
            format = CronFormat.Standard;
        }
        else if (fields.Length == 6)
        {
            format = CronFormat.IncludeSeconds;
        }
        else
        {
            error = $"'{trimmed}' has {fields.Length} field(s); a cron expression has 5 (minute hour day month weekday) or 6 (with seconds first).";
            return false;
        }

        try
        {
            cron = CronRule.Parse(fields, format);
            return true;
        }
        catch (CronFormatException ex)
        {
            error = $"'{trimmed}' is not a valid cron expression: {ex.Message}";
            return false;
        }
    }

    /// <summary>Resolves a job's zone: empty means the server's local zone.</summary>
    public static bool TryResolveZone(string timeZone, out TimeZoneInfo zone)
    {
        if (string.IsNullOrWhiteSpace(timeZone))
        {
            zone = TimeZoneInfo.Local;
            return true;
        }

        // Windows names ("Eastern Standard Time") resolve on Linux too, but a job document speaks IANA.
        var id = timeZone.Trim();
        if (IsWindowsOnly(id))
        {
            zone = TimeZoneInfo.Utc;
            return false;
        }

        return TimeZoneInfo.TryFindSystemTimeZoneById(id, out zone!);
    }

    /// <summary>A Windows zone name that is not also an IANA id ("UTC" is both).</summary>
    public static bool IsWindowsOnly(string id) =>
        TimeZoneInfo.TryConvertWindowsIdToIanaId(id, out _) && !TimeZoneInfo.TryConvertIanaIdToWindowsId(id, out _);
}
