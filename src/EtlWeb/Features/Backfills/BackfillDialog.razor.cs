using System.Globalization;
using EtlWeb.Core.Jobs;
using EtlWeb.Core.Parameters;
using EtlWeb.Orchestration;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace EtlWeb.Features.Backfills;

/// <summary>
/// Backfill a past range from the job's page: pick the days, see the due times they cover (a dry run says which already
/// succeeded), choose all or only missing, the order and the cap, then start; the backfill's page follows it.
/// </summary>
public sealed partial class BackfillDialog
{
    private const string FromField = "from";
    private const string ToField = "to";
    private const string ParallelField = "max_parallel";
    private const int Shown = 200;

    private TimeZoneInfo _zone = TimeZoneInfo.Utc;
    private DateTime? _from;
    private DateTime? _to;
    private string _mode = "all";
    private string _order = "oldest";
    private int _maxParallel = 1;
    private BackfillDocument? _plan;
    private IDictionary<string, string[]> _errors = new Dictionary<string, string[]>();
    private string? _refusal;
    private bool _busy;

    [CascadingParameter]
    private IMudDialogInstance Dialog { get; set; } = null!;

    [Inject]
    private BackfillService Backfills { get; set; } = null!;

    [Inject]
    private NavigationManager Navigation { get; set; } = null!;

    [Inject]
    private TimeProvider Time { get; set; } = null!;

    [Parameter, EditorRequired]
    public JobDocument Job { get; set; } = null!;

    public static Task ShowAsync(IDialogService dialogs, JobDocument job) =>
        dialogs.ShowAsync<BackfillDialog>($"Backfill '{job.Name}'", new DialogParameters<BackfillDialog> { { d => d.Job, job } },
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, CloseButton = true });

    protected override void OnInitialized()
    {
        _zone = RunInputs.ZoneOf(new Job { TimeZone = Job.TimeZone ?? "" });
        var today = TimeZoneInfo.ConvertTime(Time.GetUtcNow(), _zone).Date;
        (_from, _to) = (today.AddDays(-7), today.AddDays(-1));
    }

    private string? ErrorOf(string field) => _errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    private void Changed()
    {
        _plan = null;
        _errors = new Dictionary<string, string[]>();
        _refusal = null;
    }

    private string Local(DateTimeOffset instant) =>
        ParameterRules.LogicalDateText(instant, _zone).Replace('T', ' ');

    private static string Summary(BackfillDocument plan)
    {
        var before = plan.DueTimes.Count(d => d.SucceededBefore);
        return $"{plan.DueTimes.Count} due times, {before} of them succeeded before; {plan.Counts.Total} will run, {plan.MaxParallel} at a time.";
    }

    /// <summary>The request for the picked days: from the start of the first to the end of the last (now at the latest), in the job's zone.</summary>
    private BackfillRequest Request(bool dryRun)
    {
        var now = Time.GetUtcNow();
        DateTimeOffset? from = _from is { } first ? ZonedTime.At(first.Date, _zone) : null;
        DateTimeOffset? to = _to is { } last ? ZonedTime.At(last.Date.AddDays(1), _zone).AddTicks(-1) : null;
        if (to > now)
        {
            to = now;
        }

        return new BackfillRequest(from, to, _mode, _order, _maxParallel, dryRun);
    }

    private async Task PreviewAsync()
    {
        var outcome = await SendAsync(dryRun: true);
        _plan = outcome?.Backfill;
    }

    private async Task StartAsync()
    {
        if (await SendAsync(dryRun: false) is { Backfill.Id: { } id })
        {
            Dialog.Close(DialogResult.Ok(id));
            Navigation.NavigateTo($"/backfills/{id.ToString(CultureInfo.InvariantCulture)}");
        }
    }

    private async Task<BackfillOutcome?> SendAsync(bool dryRun)
    {
        _busy = true;
        try
        {
            var outcome = await Backfills.CreateAsync(Job.Id!.Value, Request(dryRun));
            _errors = outcome.Invalid ?? new Dictionary<string, string[]>();
            _refusal = outcome.Refusal ?? (_errors.Keys.Except([FromField, ToField, ParallelField]).Any()
                ? string.Join(" ", _errors.Values.SelectMany(m => m))
                : null);
            return outcome.Backfill is null ? null : outcome;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _refusal = "The backfill could not be " + (dryRun ? "planned: " : "started: ") + ex.Message;
            return null;
        }
        finally
        {
            _busy = false;
        }
    }
}
