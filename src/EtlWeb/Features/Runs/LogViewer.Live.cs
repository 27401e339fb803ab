using EtlWeb.Core.Runs;

namespace EtlWeb.Features.Runs;

/// <summary>Lines of a running attempt as they are written: appended while following, counted while paused.</summary>
public sealed partial class LogViewer
{
    private IDisposable? _liveSubscription;
    private LiveLogBuffer? _pending;

    /// <summary>Follows a running attempt. The caller holds the gate.</summary>
    private void StartLive(AttemptDocument attempt)
    {
        var pending = _pending = new LiveLogBuffer(_window.PageSize);
        _liveSubscription = Broadcaster.SubscribeLog(attempt.Id, lines =>
        {
            if (pending.Add(lines))
            {
                Dispatch(() => DrainLiveAsync(pending));
            }
        });
        _follow = true;
    }

    /// <summary>The attempt ended: every line is stored by now, so the tail comes from the store.</summary>
    private async Task FinishLiveAsync(AttemptDocument attempt)
    {
        var following = _follow;
        StopLive();
        _follow = false;
        _window.Observe(attempt.LogLines);
        if (following)
        {
            var tail = await Reader.ReadTailAsync(attempt.Id, _window.PageSize, Stopping);
            await ApplyAsync(_window.Append(tail.Lines), TerminalScroll.Bottom);
        }
    }

    private async Task DrainLiveAsync(LiveLogBuffer pending)
    {
        await WithGateAsync(async () =>
        {
            var lines = pending.Take();
            if (pending != _pending || lines.Count == 0)
            {
                return;
            }

            if (!_follow)
            {
                // Paused: the screen stays put; the lines are in the store for when the reader comes back.
                _window.Observe(lines[^1].Number + 1);
                return;
            }

            if (_window.GapBefore(lines[0].Number) is { } gap)
            {
                lines = [.. await CatchUpAsync(gap.From, gap.Count), .. lines];
            }

            await ApplyAsync(_window.Append(lines), TerminalScroll.Bottom);
        });
    }

    /// <summary>
    /// Lines sealed before a live batch reach the store a moment after it is published (and the buffer may
    /// have skipped some): read them, waiting briefly for the writer.
    /// </summary>
    private async Task<IReadOnlyList<LogLine>> CatchUpAsync(long from, int count)
    {
        IReadOnlyList<LogLine> lines = [];
        for (var tries = 0; tries < 250; tries++)
        {
            lines = (await Reader.ReadRangeAsync(_attempt!.Id, from, count, Stopping)).Lines;
            if (lines.Count >= count)
            {
                break;
            }

            await Task.Delay(20, Stopping);
        }

        return lines;
    }

    private void StopLive()
    {
        _liveSubscription?.Dispose();
        _liveSubscription = null;
        _pending = null;
    }
}
