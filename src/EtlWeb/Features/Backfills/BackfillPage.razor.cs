using EtlWeb.Features.Layout;
using EtlWeb.Features.Security;
using EtlWeb.Realtime;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace EtlWeb.Features.Backfills;

/// <summary>A backfill's own page: its progress (done, running, waiting, failed of total), kept live, its due times and their runs, and cancel.</summary>
public sealed partial class BackfillPage : IDisposable
{
    /// <summary>Run ends come in bursts: the page reloads at most this often.</summary>
    private static readonly TimeSpan ReloadEvery = TimeSpan.FromMilliseconds(500);

    private BackfillDocument? _backfill;
    private bool _loaded;
    private bool _busy;
    private IDisposable? _subscription;
    private ITimer? _reload;
    private int _reloadArmed;

    [Inject]
    private BackfillService Backfills { get; set; } = null!;

    [Inject]
    private RunBroadcaster Broadcaster { get; set; } = null!;

    [Inject]
    private TimeProvider Clock { get; set; } = null!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = null!;

    [Parameter]
    public long BackfillId { get; set; }

    [CascadingParameter]
    public UserAccess Access { get; set; } = UserAccess.Nobody;

    [CascadingParameter]
    public TimeDisplay? Time { get; set; }

    private TimeDisplay Times => Time ??= new TimeDisplay(TimeZoneInfo.Utc, Clock);

    private int Ended => _backfill is { Counts: var c } ? c.Done + c.Failed + c.Cancelled : 0;

    private Color StatusColor => _backfill?.Status switch
    {
        "Finished" => Color.Success,
        "Running" => Color.Warning,
        _ => Color.Default,
    };

    protected override void OnInitialized()
    {
        if (RendererInfo.IsInteractive)
        {
            _reload = Clock.CreateTimer(_ => _ = InvokeAsync(ReloadAsync), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _subscription = Broadcaster.SubscribeRuns(change =>
            {
                if (change.BackfillId == BackfillId && Interlocked.Exchange(ref _reloadArmed, 1) == 0)
                {
                    _reload.Change(ReloadEvery, Timeout.InfiniteTimeSpan);
                }
            });
        }
    }

    protected override Task OnParametersSetAsync() => ReloadAsync();

    private async Task ReloadAsync()
    {
        Interlocked.Exchange(ref _reloadArmed, 0);
        _backfill = await Backfills.GetAsync(BackfillId);
        _loaded = true;
        StateHasChanged();
    }

    private async Task CancelAsync()
    {
        _busy = true;
        try
        {
            var cancelled = await Backfills.CancelAsync(BackfillId);
            Snackbar.Add(cancelled == true ? "Backfill cancelled: nothing more starts, its running runs are stopped." : "The backfill had already ended.", Severity.Info);
            await ReloadAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Snackbar.Add("The backfill could not be cancelled: " + ex.Message, Severity.Error);
        }
        finally
        {
            _busy = false;
        }
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _reload?.Dispose();
    }
}
