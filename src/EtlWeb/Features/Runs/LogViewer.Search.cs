using System.Globalization;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.JSInterop;

namespace EtlWeb.Features.Runs;

/// <summary>
/// Search over the attempt's whole stored log, not only the lines on screen: the store finds the next or previous
/// matching line, the window moves there if needed, and the terminal marks the hit (and the other hits in view).
/// </summary>
public sealed partial class LogViewer
{
    private string _searchText = "";
    private long? _matchLine;
    private string? _searchNote;
    private bool _searching;

    private bool CanSearch => HasLog && !string.IsNullOrWhiteSpace(_searchText) && !_searching;

    private Task SearchKeyAsync(KeyboardEventArgs e) =>
        e.Key == "Enter" ? SearchAsync(forward: !e.ShiftKey) : Task.CompletedTask;

    private async Task SearchTextChanged(string? text)
    {
        _searchText = text ?? "";
        _matchLine = null;
        _searchNote = null;
        if (_searchText.Length == 0 && _module is not null)
        {
            await _module.InvokeVoidAsync("clearSearch", Stopping, _host);
        }
    }

    private Task ClearSearchAsync() => SearchTextChanged("");

    private void ResetSearch()
    {
        _matchLine = null;
        _searchNote = null;
    }

    private Task SearchAsync(bool forward) => !CanSearch || _attempt is null ? Task.CompletedTask : WithGateAsync(async () =>
    {
        var text = _searchText.Trim();
        _searching = true;
        StateHasChanged();
        try
        {
            var attemptId = _attempt.Id;
            var from = _matchLine ?? await StartOfSearchAsync(forward);
            var found = await Reader.FindLineAsync(attemptId, text, from, forward, Stopping);
            var wrapped = false;
            if (found is null)
            {
                // Like a browser's find: past the last hit, start again from the other end.
                found = await Reader.FindLineAsync(attemptId, text, forward ? -1 : long.MaxValue, forward, Stopping);
                wrapped = found is not null;
            }

            if (found is not { } line)
            {
                _matchLine = null;
                _searchNote = "No match";
                return;
            }

            await RevealAsync(line, text);
            _searchNote = (wrapped ? (forward ? "From the top: " : "From the end: ") : "") + $"line {(line + 1).ToString("N0", CultureInfo.InvariantCulture)}";
        }
        finally
        {
            _searching = false;
        }
    });

    /// <summary>A new search starts at the screen: downwards from its top line, upwards from its bottom line.</summary>
    private async Task<long> StartOfSearchAsync(bool forward)
    {
        if (_window.Count == 0)
        {
            return forward ? -1 : long.MaxValue;
        }

        var visible = await _module!.InvokeAsync<int[]?>("visibleLines", Stopping, _host);
        return visible is [var top, var bottom]
            ? (forward ? _window.First + top - 1 : _window.First + bottom + 1)
            : (forward ? _window.First - 1 : _window.Next);
    }

    /// <summary>Moves the window to the hit when it is outside, then has the terminal scroll to it and mark it.</summary>
    private async Task RevealAsync(long line, string text)
    {
        _follow = false;
        _matchLine = line;
        if (line < _window.First || line >= _window.Next)
        {
            var (from, count) = _window.PageAround(line);
            await ApplyAsync(_window.Reset(await Reader.ReadRangeAsync(_attempt!.Id, from, count, Stopping)), TerminalScroll.None);
        }

        await _module!.InvokeVoidAsync("reveal", Stopping, _host, (int)(line - _window.First), LogTerminalText.GutterWidth, text);
    }
}
