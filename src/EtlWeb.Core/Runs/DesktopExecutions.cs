using System.Globalization;
using EtlWeb.Core.Parameters;

namespace EtlWeb.Core.Runs;

/// <summary>
/// How the desktop tool's execution records read as EtlWeb attempts: its status words, its times (written by Python's
/// <c>datetime.now().isoformat()</c>, the desktop machine's local time without an offset) and its outcome.
/// </summary>
public static class DesktopExecutions
{
    /// <summary>What the desktop tool writes in front of the error output of a job it stopped at its timeout.</summary>
    private const string TimeoutPrefix = "Process timed out after";

    private static readonly string[] Formats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm", "yyyy-MM-dd",
    ];

    /// <summary>The statuses the desktop tool writes, and the like from its variants, lower case.</summary>
    public static IReadOnlyList<string> KnownStatuses { get; } =
        ["completed", "success", "succeeded", "failed", "error", "timeout", "timed_out", "cancelled", "canceled", "running", "pending", "queued"];

    /// <summary>
    /// The attempt status of a desktop status; null when the word is not one it writes. A failure whose error output
    /// starts with the desktop's timeout note timed out; one still "running" was cut off when the desktop tool stopped.
    /// </summary>
    public static AttemptStatus? StatusOf(string? status, string? errorOutput) => (status ?? "").Trim().ToLowerInvariant() switch
    {
        "completed" or "success" or "succeeded" => AttemptStatus.Succeeded,
        "failed" or "error" when (errorOutput ?? "").StartsWith(TimeoutPrefix, StringComparison.Ordinal) => AttemptStatus.TimedOut,
        "failed" or "error" => AttemptStatus.Failed,
        "timeout" or "timed_out" => AttemptStatus.TimedOut,
        "cancelled" or "canceled" => AttemptStatus.Cancelled,
        "running" or "pending" or "queued" => AttemptStatus.Interrupted,
        _ => null,
    };

    /// <summary>
    /// The instant a desktop time names: one with an offset as written, one without (what the desktop writes) in
    /// <paramref name="zone"/>. False when it is not a date and time.
    /// </summary>
    public static bool TryParseTime(string? text, TimeZoneInfo zone, out DateTimeOffset instant)
    {
        instant = default;
        var trimmed = (text ?? "").Trim();
        if (trimmed.Length == 0)
        {
            return false;
        }

        if (DateTime.TryParseExact(trimmed, Formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            instant = ZonedTime.At(local, zone);
            return true;
        }

        return DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.None, out instant);
    }

    /// <summary>The message the imported attempt records: the desktop's own words for how it ended, its id and its retries.</summary>
    public static string Describe(long executionId, string status, AttemptStatus outcome, int? exitCode, int retries, string? triggeredBy)
    {
        var how = outcome switch
        {
            AttemptStatus.Succeeded => "completed",
            AttemptStatus.Interrupted => "still running when the desktop tool's database was copied: it never ended there",
            _ when exitCode is { } code => $"{status.Trim().ToLowerInvariant()} with exit code {code}",
            _ => status.Trim().ToLowerInvariant(),
        };
        var by = (triggeredBy ?? "").Trim().ToLowerInvariant() switch
        {
            "" => "",
            "scheduler" => ", started by its schedule",
            "manual" => ", started by hand",
            var other => $", triggered by {other}",
        };
        var retried = retries > 0 ? $", after {retries} {(retries == 1 ? "retry" : "retries")}" : "";
        return $"Desktop tool execution {executionId}{by}{retried}: {how}.";
    }
}
