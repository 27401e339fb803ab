using EtlWeb.Features.Security;
using EtlWeb.Core.Runs;
using EtlWeb.Features.Layout;
using EtlWeb.Features.Notifications;
using EtlWeb.Realtime;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace EtlWeb.Features.Runs;

/// <summary>One run: its header and attempts, kept live, and its Output log below.</summary>
public sealed partial class RunPage : IDisposable
{
    private RunDocument? _run;
    private bool _loaded;
    private bool _busy;
    private int? _attemptNumber;
    private long _shownRunId;
    private DateTimeOffset _now;
    private IDisposable? _subscription;
    private IDisposable? _notifications;
    private ITimer? _clock;

    [Inject]
    private RunReader Reader { get; set; } = null!;

    [Inject]
    private RunService Runs { get; set; } = null!;

    [Inject]
    private RunBroadcaster Broadcaster { get; set; } = null!;

    [Inject]
    private NotificationOutbox Outbox { get; set; } = null!;

    [Inject]
    private TimeProvider Clock { get; set; } = null!;

    [Inject]
    private NavigationManager Navigation { get; set; } = null!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = null!;

    [Inject]
    private IDialogService Dialogs { get; set; } = null!;

    [Inject]
    private Jobs.JobCatalog Catalog { get; set; } = null!;

    [Parameter]
    public long RunId { get; set; }

    /// <summary>The browser's time zone, from the layout; UTC where there is no layout.</summary>
    [CascadingParameter]
    public UserAccess Access { get; set; } = UserAccess.Nobody;

    [CascadingParameter]
    public TimeDisplay? Time { get; set; }

    private TimeDisplay Times => Time ??= new TimeDisplay(TimeZoneInfo.Utc, Clock);

    private bool IsFinished => _run is not null && Enum.TryParse<RunStatus>(_run.Status, out var status) && status.IsTerminal();

    private string Triggers => _run is null ? ""
        : string.Join(", ", _run.Requests.Select(r => r.Trigger).DefaultIfEmpty(_run.Trigger).Distinct());

    protected override void OnInitialized()
    {
        _now = Clock.GetUtcNow();
        if (RendererInfo.IsInteractive)
        {
            _subscription = Broadcaster.SubscribeRuns(change =>
            {
                // A for-each run's items change without it: its page follows them.
                if (change.RunId == RunId || _run?.Items?.Any(i => i.RunId == change.RunId) == true)
                {
                    _ = InvokeAsync(ReloadAsync);
                }
            });

            // Notifications are raised and delivered after the run ended, so they change without a run event.
            _notifications = Outbox.Subscribe(runId =>
            {
                if (runId == RunId)
                {
                    _ = InvokeAsync(ReloadAsync);
                }
            });

            // Durations of a run in progress count up.
            _clock = Clock.CreateTimer(_ => _ = InvokeAsync(Tick), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        }
    }

    protected override async Task OnParametersSetAsync()
    {
        if (_shownRunId != RunId)
        {
            _shownRunId = RunId;
            _attemptNumber = null;
            _run = null;
            _loaded = false;
            await ReloadAsync();
        }
    }

    private async Task ReloadAsync()
    {
        _run = await Reader.GetAsync(RunId);
        _loaded = true;
        _now = Clock.GetUtcNow();
        StateHasChanged();
    }

    private static string Dash(string text) => text.Length == 0 ? "—" : text;

    /// <summary>A run in progress counts up to now; one that never started has none.</summary>
    private string Duration(DateTimeOffset? started, DateTimeOffset? finished) =>
        started is { } start ? TimeDisplay.Duration((finished ?? _now) - start) : "—";

    private void Tick()
    {
        if (_run is not null && !IsFinished)
        {
            _now = Clock.GetUtcNow();
            StateHasChanged();
        }
    }

    private async Task CancelAsync()
    {
        _busy = true;
        try
        {
            var result = await Runs.CancelAsync(RunId);
            Snackbar.Add(result switch
            {
                CancelResult.Stopping => "Stopping the run's processes…",
                CancelResult.Cancelled => "Run cancelled.",
                CancelResult.AlreadyFinished => "The run had already finished.",
                _ => $"There is no run {RunId}.",
            }, result == CancelResult.NotFound ? Severity.Warning : Severity.Info);
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task RerunAsync()
    {
        _busy = true;
        try
        {
            var outcome = await Runs.RerunFailedAsync(RunId);
            if (outcome?.Refusal is { } refusal)
            {
                Snackbar.Add(refusal, Severity.Warning);
                return;
            }

            var created = outcome?.RunIds ?? [];
            foreach (var id in created)
            {
                if ((await Reader.GetAsync(id))?.JobId == _run?.JobId)
                {
                    Navigation.NavigateTo($"/runs/{id}");
                    return;
                }
            }

            Snackbar.Add(created.Count == 0 ? "Nothing to re-run: every run of this pipeline succeeded or is still going."
                : $"Re-running {created.Count} run(s) of this pipeline.", Severity.Info);
        }
        finally
        {
            _busy = false;
        }
    }

    private static string ParamText(System.Text.Json.JsonElement value) => AttemptOutputs.Text(value);

    /// <summary>A for-each run's items counted by status, in the order statuses are listed.</summary>
    private static IEnumerable<(string Status, int Count)> ItemCounts(IReadOnlyList<RunItemDocument> items) =>
        items.GroupBy(i => i.Status).OrderBy(g => Enum.TryParse<RunStatus>(g.Key, out var status) ? (int)status : int.MaxValue).Select(g => (g.Key, g.Count()));

    /// <summary>An output as its downstream process sees it, cut short on the page (a list can be long).</summary>
    private static string OutputText(System.Text.Json.JsonElement value) =>
        AttemptOutputs.Text(value) is var text && text.Length > 80 ? text[..80] + "…" : AttemptOutputs.Text(value);

    /// <summary>Starts the job again for the same instant with the same values (secret ones included), as one pipeline run.</summary>
    private async Task RunAgainAsync()
    {
        _busy = true;
        try
        {
            if (await Runs.SameInputsAsync(RunId) is not var (jobId, values, logicalDate))
            {
                return;
            }

            var outcome = await Runs.TriggerAsync(jobId, TriggerKind.Manual, true, values, logicalDate);
            if (outcome.Run is { } run)
            {
                Navigation.NavigateTo($"/runs/{run.Id}");
                return;
            }

            Snackbar.Add(outcome.Invalid is { } invalid
                ? $"The job's parameters changed since this run: {string.Join(" ", invalid.SelectMany(e => e.Value))} Use \"With other parameters\"."
                : outcome.Refusal ?? "The job could not be started.", Severity.Warning);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Snackbar.Add("The run could not be started again: " + ex.Message, Severity.Error);
        }
        finally
        {
            _busy = false;
        }
    }

    /// <summary>Opens the run form filled with this run's values and logical date.</summary>
    private async Task RunWithOtherParametersAsync()
    {
        if (_run is null || await Catalog.GetAsync(_run.JobId) is not { } job)
        {
            return;
        }

        await RunDialog.ShowAsync(Dialogs, job, withDownstream: true, _run.Params, _run.LogicalDate);
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _notifications?.Dispose();
        _clock?.Dispose();
    }
}
