using System.Globalization;
using EtlWeb.Core.Runs;
using EtlWeb.Features.Runs;

namespace EtlWeb.Features.Notifications;

/// <summary>What a notification tells about a run: everything comes from the stored run, its attempts and its (masked) log.</summary>
/// <param name="Detail">The alert's own sentence, e.g. "3 runs in a row have failed."; empty for plain success or failure.</param>
public sealed record RunSummary(
    string JobName,
    long? RunId,
    string Status,
    string Trigger,
    int Attempts,
    DateTimeOffset? StartedAt,
    TimeSpan? Duration,
    int? ExitCode,
    string? Reason,
    IReadOnlyList<string> LastLines,
    string Link,
    string Detail)
{
    public const int TailLines = 30;

    public string DurationText => Duration is { } d ? FormatDuration(d) : "—";

    public string StartedText => StartedAt is { } s ? s.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : "did not start";

    public static string FormatDuration(TimeSpan duration) => duration.TotalSeconds < 60
        ? string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0.#} s")
        : duration.TotalHours < 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalMinutes} min {duration.Seconds} s")
            : string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalHours} h {duration.Minutes} min");

    /// <summary>Reads the run, its last attempt and that attempt's last lines.</summary>
    public static async Task<RunSummary> ReadAsync(Run run, string jobName, RunReader reader, string link, string detail, TimeProvider time, CancellationToken cancellationToken)
    {
        var last = run.Attempts.OrderBy(a => a.Number).LastOrDefault();
        IReadOnlyList<string> lines = [];
        if (last is not null)
        {
            var tail = await reader.ReadTailAsync(last.Id, TailLines, cancellationToken);
            lines = [.. tail.Lines.Select(l => LogTerminalText.Visible(l.Text))];
        }

        var end = run.FinishedAt ?? time.GetUtcNow();
        return new RunSummary(
            jobName, run.Id, run.Status.ToString(), run.Trigger.ToString(), run.Attempts.Count, run.StartedAt,
            run.StartedAt is { } started ? end - started : null, last?.ExitCode, run.Reason, lines, link, detail);
    }
}
