using EtlWeb.Core.Runs;
using EtlWeb.Features.Layout;
using EtlWeb.Realtime;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace EtlWeb.Features.Runs;

/// <summary>
/// The Output log of a run, one attempt at a time, in a read-only terminal. It opens at the tail, reads older
/// or newer pages as the reader scrolls to either end, and while the attempt runs appends live lines (following
/// the tail until the reader scrolls up or pauses). The browser never holds more than <see cref="LogWindow.MaxLines"/>
/// lines, so a million-line log opens as fast as a short one.
/// </summary>
public sealed partial class LogViewer : IAsyncDisposable
{
    private const string ModulePath = "./Features/Runs/LogViewer.razor.js";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _disposed = new();
    private LogWindow _window = new();
    private ElementReference _host;
    private IJSObjectReference? _module;
    private DotNetObjectReference<LogViewer>? _self;
    private IDisposable? _runSubscription;
    private RunDocument? _run;
    private AttemptDocument? _attempt;
    private (long RunId, int? AttemptNumber)? _opened;
    private int? _chosenAttempt;
    private string? _terminalError;
    private Task<bool> _terminal = Task.FromResult(false);
    private bool _ready;
    private bool _follow;
    private bool _loading;

    public LogViewer()
    {
        Stopping = _disposed.Token;
    }

    [Inject]
    private RunReader Reader { get; set; } = null!;

    [Inject]
    private RunBroadcaster Broadcaster { get; set; } = null!;

    [Inject]
    private IJSRuntime JS { get; set; } = null!;

    /// <summary>The run whose log is shown.</summary>
    [Parameter, EditorRequired]
    public long RunId { get; set; }

    /// <summary>The attempt to show; null shows the latest attempt that started, and moves on to each retry as it starts.</summary>
    [Parameter]
    public int? AttemptNumber { get; set; }

    /// <summary>Cancelled when the viewer goes; read once, so work still under way never touches the disposed source.</summary>
    private CancellationToken Stopping { get; }

    protected override async Task OnParametersSetAsync()
    {
        if (_ready)
        {
            if (_opened != (RunId, AttemptNumber))
            {
                await OpenAsync();
            }
        }
        else
        {
            // Before the terminal exists (and while prerendering) only the run is read, for the header and empty states.
            _run = await Reader.GetAsync(RunId, Stopping);
            _attempt = PickAttempt(AttemptNumber);
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender)
        {
            return;
        }

        _self = DotNetObjectReference.Create(this);
        _module = await JS.InvokeAsync<IJSObjectReference>("import", Stopping, ModulePath);
        _runSubscription = Broadcaster.SubscribeRuns(change =>
        {
            if (change.RunId == RunId)
            {
                Dispatch(OnRunChangedAsync);
            }
        });

        // The terminal loads in the browser while the tail is read here; the first edit waits for it.
        _terminal = CreateTerminalAsync(_module);
        _ready = true;
        try
        {
            await OpenAsync();
        }
        catch (Exception e) when (IsGone(e))
        {
            // The page closed while the log was opening.
        }
    }

    private async Task<bool> CreateTerminalAsync(IJSObjectReference module)
    {
        try
        {
            await module.InvokeVoidAsync("create", Stopping, _host, _self);
            return true;
        }
        catch (JSException e)
        {
            // Without a terminal there is nothing to show the lines in; the download still works.
            _terminalError = $"The log cannot be shown in this browser ({e.Message}); download it instead.";
            return false;
        }
    }

    private async Task OpenAsync()
    {
        await WithGateAsync(async () =>
        {
            _opened = (RunId, AttemptNumber);
            _chosenAttempt = AttemptNumber;
            _run = await Reader.GetAsync(RunId, Stopping);
            await ShowAsync(PickAttempt(_chosenAttempt));
        });
    }

    private async Task SelectAttemptAsync(int number)
    {
        await WithGateAsync(async () =>
        {
            _chosenAttempt = number;
            await ShowAsync(PickAttempt(number));
        });
    }

    /// <summary>The chosen attempt, else the latest that started (a retry waiting for its delay has nothing to show yet).</summary>
    private AttemptDocument? PickAttempt(int? number) => _run is null ? null
        : number is { } chosen ? _run.Attempts.FirstOrDefault(a => a.Number == chosen)
        : _run.Attempts.LastOrDefault(a => a.StartedAt is not null) ?? (_run.Attempts.Count > 0 ? _run.Attempts[^1] : null);

    /// <summary>Shows an attempt from its tail; a running one is followed. The caller holds the gate.</summary>
    private async Task ShowAsync(AttemptDocument? attempt)
    {
        StopLive();
        _attempt = attempt;
        _window = new LogWindow();
        _follow = false;
        ResetSearch();
        if (attempt?.StartedAt is null)
        {
            await ApplyAsync(_window.Reset(LogPage.Empty(0)), TerminalScroll.None);
            return;
        }

        if (IsRunning)
        {
            // Subscribe before reading the tail: lines written in between arrive live, and line numbers stitch the two.
            StartLive(attempt);
        }

        var page = await Reader.ReadTailAsync(attempt.Id, _window.PageSize, Stopping);
        await ApplyAsync(_window.Reset(page), TerminalScroll.Bottom);
    }

    private async Task OnRunChangedAsync()
    {
        await WithGateAsync(async () =>
        {
            _run = await Reader.GetAsync(RunId, Stopping);
            var next = PickAttempt(_chosenAttempt);
            var current = _attempt is null ? null : _run?.Attempts.FirstOrDefault(a => a.Id == _attempt.Id);
            if (next is not null && (next.Id != _attempt?.Id || (_attempt.StartedAt is null && next.StartedAt is not null)))
            {
                await ShowAsync(next);
            }
            else if (current is not null)
            {
                var ended = _liveSubscription is not null && current.Status != nameof(RunStatus.Running);
                _attempt = current;
                if (ended)
                {
                    await FinishLiveAsync(current);
                }
            }
        });
    }

    private async Task ApplyAsync(LogWindowChange change, TerminalScroll scroll)
    {
        if (change.IsEmpty && scroll == TerminalScroll.None)
        {
            return;
        }

        var edit = new TerminalEdit(change.Replace, change.DropTop, change.DropBottom,
            [.. change.Prepend.Select(LogTerminalText.Format)], [.. change.Append.Select(LogTerminalText.Format)], scroll.ToString().ToLowerInvariant());
        if (await _terminal)
        {
            await _module!.InvokeVoidAsync("apply", Stopping, _host, edit);
        }
    }

    /// <summary>Runs <paramref name="work"/> alone (live lines, paging, search and attempt changes never interleave), then renders.</summary>
    private async Task WithGateAsync(Func<Task> work)
    {
        await _gate.WaitAsync(Stopping);
        try
        {
            await work();
        }
        finally
        {
            _gate.Release();
        }

        StateHasChanged();
    }

    /// <summary>Hands work from a broadcaster thread to the renderer; a viewer that has gone away has nothing left to do.</summary>
    private void Dispatch(Func<Task> work) => _ = InvokeAsync(async () =>
    {
        try
        {
            await work();
        }
        catch (Exception e) when (IsGone(e))
        {
            // The page closed while the work was under way.
        }
        catch (Exception e)
        {
            await DispatchExceptionAsync(e);
        }
    });

    /// <summary>What work meets once the viewer or its circuit has gone: nothing is left to update.</summary>
    private static bool IsGone(Exception e) => e is OperationCanceledException or ObjectDisposedException or JSDisconnectedException;

    public async ValueTask DisposeAsync()
    {
        await _disposed.CancelAsync();
        _runSubscription?.Dispose();
        StopLive();
        if (_module is not null)
        {
            await BrowserRelease.QuietlyAsync(async () =>
            {
                await _module.InvokeVoidAsync("dispose", _host);
                await _module.DisposeAsync();
            });
        }

        _self?.Dispose();
        _disposed.Dispose();
    }
}
