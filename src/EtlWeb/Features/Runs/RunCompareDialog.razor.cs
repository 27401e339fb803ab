using System.Globalization;
using EtlWeb.Features.Layout;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace EtlWeb.Features.Runs;

public sealed partial class RunCompareDialog
{
    private IReadOnlyList<RunDocument> _candidates = [];
    private RunComparisonDocument? _comparison;
    private long _other;
    private long? _lastSuccess;
    private string? _message;
    private string? _notice;

    [Inject]
    private RunComparer Comparer { get; set; } = null!;

    [Inject]
    private RunReader Reader { get; set; } = null!;

    [Parameter]
    public long RunId { get; set; }

    [Parameter]
    public int JobId { get; set; }

    /// <summary>The page's time display: a dialog is rendered outside the layout's cascading values.</summary>
    [Parameter]
    public TimeDisplay Time { get; set; } = null!;

    public static Task ShowAsync(IDialogService dialogs, RunDocument run, TimeDisplay time) =>
        dialogs.ShowAsync<RunCompareDialog>($"Compare run #{run.Id} of '{run.JobName}'",
            new DialogParameters<RunCompareDialog> { { d => d.RunId, run.Id }, { d => d.JobId, run.JobId }, { d => d.Time, time } },
            new DialogOptions { MaxWidth = MaxWidth.Large, FullWidth = true, CloseButton = true });

    protected override async Task OnInitializedAsync()
    {
        var item = (await Reader.GetAsync(RunId))?.ParentRunId is not null;
        _candidates = [.. (await Reader.ListAsync(JobId, null, 50)).Where(r => r.Id != RunId && r.FinishedAt is not null && (r.ParentRunId is not null) == item)];
        _lastSuccess = await Comparer.LastSuccessAsync(RunId);
        if ((_lastSuccess ?? (_candidates.Count > 0 ? _candidates[0].Id : null)) is { } other)
        {
            if (_candidates.All(r => r.Id != other) && await Reader.GetAsync(other) is { } extra)
            {
                _candidates = [extra, .. _candidates];
            }

            await CompareWithAsync(other);
            _notice = _lastSuccess is null ? "This job has no successful run to compare with; comparing with its latest other run." : null;
        }
        else
        {
            _message = "This job has no other finished run to compare with yet.";
        }
    }

    private async Task CompareWithAsync(long other)
    {
        _other = other;
        _comparison = await Comparer.CompareAsync(RunId, other);
        _notice = null;
        if (_comparison is not null)
        {
            _message = null;
        }
    }

    private static RenderFragment Row(string label, string old, string @new, bool mono = false) => builder =>
    {
        var differs = !string.Equals(old, @new, StringComparison.Ordinal);
        builder.OpenElement(0, "tr");
        builder.AddAttribute(1, "data-testid", "compare-" + label);
        builder.AddAttribute(2, "class", differs ? "etl-diff-changed" : null);
        builder.OpenElement(3, "td");
        builder.AddAttribute(4, "class", mono ? "etl-diff-field" : null);
        builder.AddContent(5, label);
        builder.CloseElement();
        builder.OpenElement(6, "td");
        builder.AddAttribute(7, "class", differs ? "etl-diff-old" : null);
        builder.AddContent(8, old);
        builder.CloseElement();
        builder.OpenElement(9, "td");
        builder.AddAttribute(10, "class", differs ? "etl-diff-new" : null);
        builder.AddContent(11, @new);
        builder.CloseElement();
        builder.CloseElement();
    };

    private static string Revision(int? number) => number is { } n ? "#" + n.ToString(CultureInfo.InvariantCulture) : "(before revisions)";

    private static string Text(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "—";

    private static string Seconds(double? seconds) => seconds is { } s ? s.ToString("0.###", CultureInfo.InvariantCulture) + " s" : "—";

    private static string Change(ComparedValue<double?> duration) =>
        duration is { Old: > 0 and var old, New: { } now } ? $" ({(now - old) / old:+0%;-0%;0%})" : "";
}
