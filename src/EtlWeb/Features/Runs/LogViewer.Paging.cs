using EtlWeb.Core.Runs;
using Microsoft.JSInterop;

namespace EtlWeb.Features.Runs;

/// <summary>Moving through the log: older and newer pages, the two ends, follow and pause.</summary>
public sealed partial class LogViewer
{
    /// <summary>The reader scrolled to the top of what is shown.</summary>
    [JSInvokable]
    public Task OnReachedTop() => LoadEarlierAsync();

    /// <summary>The reader scrolled to the bottom: show newer lines, or follow again when there are none.</summary>
    [JSInvokable]
    public Task OnReachedBottom() => _loading || _attempt is null ? Task.CompletedTask : WithGateAsync(async () =>
    {
        if (_window.HasLater)
        {
            await LoadPageAsync(_window.LaterPage(), older: false);
        }
        else if (IsRunning && !_follow)
        {
            await FollowAsync();
        }
    });

    /// <summary>The reader scrolled up from the tail: stop following so the text stays still.</summary>
    [JSInvokable]
    public Task OnLeftBottom()
    {
        if (_follow)
        {
            _follow = false;
            StateHasChanged();
        }

        return Task.CompletedTask;
    }

    private Task LoadEarlierAsync() => _loading || !_window.HasEarlier || _attempt is null ? Task.CompletedTask
        : WithGateAsync(() => LoadPageAsync(_window.EarlierPage(), older: true));

    private async Task LoadPageAsync((long From, int Count) page, bool older)
    {
        _loading = true;
        try
        {
            var lines = (await Reader.ReadRangeAsync(_attempt!.Id, page.From, page.Count, Stopping)).Lines;
            var change = older ? _window.Prepend(lines) : _window.Append(lines);
            if (change.DropBottom > 0)
            {
                // The newest lines left the window, so it no longer shows the tail.
                _follow = false;
            }

            await ApplyAsync(change, TerminalScroll.None);
        }
        finally
        {
            _loading = false;
        }
    }

    private Task SetFollowAsync(bool follow)
    {
        if (!follow)
        {
            _follow = false;
            return Task.CompletedTask;
        }

        return WithGateAsync(FollowAsync);
    }

    private Task JumpToEndAsync() => WithGateAsync(async () =>
    {
        if (IsRunning)
        {
            await FollowAsync();
        }
        else if (_attempt is not null)
        {
            await ApplyAsync(_window.Append((await Reader.ReadTailAsync(_attempt.Id, _window.PageSize, Stopping)).Lines), TerminalScroll.Bottom);
        }
    });

    private Task JumpToStartAsync() => _attempt is null ? Task.CompletedTask : WithGateAsync(async () =>
    {
        _follow = false;
        var first = _window.HasEarlier
            ? _window.Reset(await Reader.ReadRangeAsync(_attempt.Id, 0, _window.PageSize, Stopping))
            : LogWindowChange.None;
        await ApplyAsync(first, TerminalScroll.Top);
    });

    /// <summary>Back to the tail (what was missed comes from the store, the rest arrives live). The caller holds the gate.</summary>
    private async Task FollowAsync()
    {
        _follow = true;
        var tail = await Reader.ReadTailAsync(_attempt!.Id, _window.PageSize, Stopping);
        await ApplyAsync(_window.Append(tail.Lines), TerminalScroll.Bottom);
    }

    /// <summary>Whether the attempt shown is still writing its log.</summary>
    private bool IsRunning => _attempt?.Status == nameof(RunStatus.Running);
}
