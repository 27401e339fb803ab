using System.Globalization;
using EtlWeb.Core.Runs;

namespace EtlWeb.Features.Runs;

/// <summary>Where the terminal scrolls after an edit.</summary>
public enum TerminalScroll
{
    None,
    Bottom,
    Top,
}

/// <summary>
/// An edit of the terminal's lines as the browser module applies it: drop lines from either end, put the
/// formatted <see cref="Prepend"/> lines before and <see cref="Append"/> lines after, then scroll
/// ("none", "bottom" or "top").
/// </summary>
public sealed record TerminalEdit(bool Replace, int DropTop, int DropBottom, IReadOnlyList<string> Prepend, IReadOnlyList<string> Append, string Scroll);

/// <summary>What the viewer's toolbar and empty states say.</summary>
public sealed partial class LogViewer
{
    private bool HasLog => _attempt?.StartedAt is not null;

    private string DownloadHref => $"/api/runs/{RunId}/log?attempt={_attempt?.Number}";

    private string DownloadName => $"run-{RunId}-attempt-{_attempt?.Number}.log";

    /// <summary>Only a failure's exit code says more than the status chip.</summary>
    private string? ExitCodeText => _attempt?.ExitCode is { } code and not 0 ? $"exit code {code}" : null;

    private string RangeText => !HasLog ? ""
        : _window.Count == 0 ? (_window.KnownLines == 0 ? "" : $"{N(_window.KnownLines)} lines")
        : _window.Count == _window.KnownLines ? (_window.KnownLines == 1 ? "1 line" : $"{N(_window.KnownLines)} lines")
        : $"Lines {N(_window.First + 1)}–{N(_window.Next)} of {N(_window.KnownLines)}";

    /// <summary>While paused on a running attempt: how far the log has moved on.</summary>
    private string? NewerLinesText => IsRunning && !_follow && _window.HasLater
        ? $"{N(_window.KnownLines - _window.Next)} newer {(_window.KnownLines - _window.Next == 1 ? "line" : "lines")} since you paused."
        : null;

    private string? EmptyMessage
    {
        get
        {
            if (_terminalError is not null)
            {
                return _terminalError;
            }

            if (_run is null)
            {
                return _opened is null && !_ready ? "Loading the log…" : $"There is no run {RunId}.";
            }

            if (_attempt is null)
            {
                var why = string.IsNullOrEmpty(_run.Reason) ? "" : $" ({_run.Reason})";
                return AttemptNumber is { } missing ? $"This run has no attempt {missing}."
                    : Enum.TryParse<RunStatus>(_run.Status, out var status) && status.IsTerminal() ? $"This run never started{why}." : $"This run has not started yet{why}.";
            }

            if (_attempt.StartedAt is null)
            {
                return _attempt.Status == nameof(RunStatus.Queued)
                    ? (_attempt.NotBefore is { } at ? $"Attempt {_attempt.Number} starts at {at.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture)} UTC." : "This run has not started yet.")
                    : $"Attempt {_attempt.Number} never started{(string.IsNullOrEmpty(_attempt.Message) ? "" : $": {_attempt.Message}")}.";
            }

            return !_ready ? "Loading the log…"
                : _window.Count > 0 || _window.KnownLines > 0 ? null
                : IsRunning ? "Waiting for output…" : "No output";
        }
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
