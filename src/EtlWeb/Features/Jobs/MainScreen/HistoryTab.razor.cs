using EtlWeb.Core.Jobs;
using EtlWeb.Features.Layout;
using EtlWeb.Features.Security;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace EtlWeb.Features.Jobs.MainScreen;

public sealed partial class HistoryTab
{
    private IReadOnlyList<RevisionDocument>? _revisions;
    private IReadOnlyList<FieldChangeDocument>? _diff;
    private int _right;
    private int _left;
    private string? _error;
    private int? _loadedRevision;

    [Parameter, EditorRequired]
    public JobDocument Job { get; set; } = null!;

    /// <summary>A revision to show first (a run page links to the one it ran); the newest when not given.</summary>
    [Parameter]
    public int? Revision { get; set; }

    [CascadingParameter]
    public TimeDisplay Time { get; set; } = null!;

    [CascadingParameter]
    public UserAccess Access { get; set; } = UserAccess.Nobody;

    /// <summary>
    /// Reads the revisions again when the job has a new one (not on every live update of its status); the revision being
    /// looked at, and the one it is compared with, stay; the one an address asked for is selected first.
    /// </summary>
    protected override async Task OnParametersSetAsync()
    {
        if (_revisions is not null && _loadedRevision == Job.Revision)
        {
            return;
        }

        var first = _revisions is null;
        _loadedRevision = Job.Revision;
        var (right, left) = (_right, _left);
        await LoadAsync(first ? Revision : right);
        if (!first && left != 0 && _revisions!.Any(r => r.Number == left) && left != _right)
        {
            await CompareWithAsync(left);
        }
    }

    private async Task LoadAsync(int? show)
    {
        _revisions = await History.ListAsync(Job.Id!.Value) ?? [];
        if (_revisions.Count > 0)
        {
            await SelectAsync(show is { } wanted && _revisions.Any(r => r.Number == wanted) ? wanted : _revisions[0].Number);
        }
    }

    private async Task SelectAsync(int number)
    {
        _right = number;
        _left = _revisions!.Where(r => r.Number < number).Select(r => r.Number).DefaultIfEmpty(0).Max();
        await CompareAsync();
    }

    private async Task CompareWithAsync(int other)
    {
        _left = other;
        await CompareAsync();
    }

    private async Task CompareAsync()
    {
        _diff = _left == 0 ? null : await History.CompareAsync(Job.Id!.Value, _left, _right);
    }

    private async Task RestoreAsync()
    {
        var number = _right;
        var confirmed = await Dialogs.ShowMessageBoxAsync(new MessageBoxOptions
        {
            Title = $"Restore revision #{number} of '{Job.Name}'?",
            Message = "The job is saved as it was then, as a new revision; secret variables keep their current values.",
            YesText = "Restore",
            CancelText = "Cancel",
        });
        if (confirmed != true)
        {
            return;
        }

        try
        {
            await History.RestoreAsync(Job.Id!.Value, number);
            _error = null;
            Snackbar.Add($"'{Job.Name}' is as in revision #{number} again.", Severity.Success);
            await LoadAsync(null);
        }
        catch (JobValidationException ex)
        {
            _error = $"Revision #{number} cannot be restored: {ex.Message}";
        }
    }

    private string RowClass(int number) => number == _right ? "etl-history-row etl-history-selected" : number == _left ? "etl-history-row etl-history-other" : "etl-history-row";

    private static string Summary(RevisionDocument revision) => revision.Changes.Count switch
    {
        0 => "as stored before revisions were kept",
        _ when revision.Number == 1 => "created",
        _ => string.Join(", ", revision.Changes.Select(c => c.Field)),
    };
}
