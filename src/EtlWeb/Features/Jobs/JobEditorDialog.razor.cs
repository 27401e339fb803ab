using EtlWeb.Core.Jobs;
using EtlWeb.Features.Jobs.Editor;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using MudBlazor;

namespace EtlWeb.Features.Jobs;

/// <summary>
/// Creates or edits a job. Every change is checked by <see cref="JobCatalog.ValidateAsync"/>, the rules the API
/// applies, shortly after the user stops typing. A message shows once its field was touched or Save was pressed:
/// Save on a form with problems shows them all instead of saving; Save is disabled while a check runs and once every
/// problem is on screen. Closes with <c>DialogResult.Ok(JobDocument saved)</c>, or cancelled.
/// </summary>
public sealed partial class JobEditorDialog : IDisposable
{
    /// <summary>How long typing must pause before the job is checked again.</summary>
    public static readonly TimeSpan ValidationDelay = TimeSpan.FromMilliseconds(300);

    private JobEditorForm? _form;
    private IReadOnlyList<JobDocument> _otherJobs = [];
    private IReadOnlyList<string> _folders = [];
    private IReadOnlyList<string> _downstream = [];
    private string? _loadedName;
    private string? _loadError;
    private string? _saveError;
    private int _tab;
    private bool _validating;
    private bool _saving;
    private CancellationTokenSource? _pendingValidation;

    [CascadingParameter]
    private IMudDialogInstance MudDialog { get; set; } = null!;

    /// <summary>The job to edit; null for a new job.</summary>
    [Parameter]
    public int? JobId { get; set; }

    [Inject]
    private JobCatalog Catalog { get; set; } = null!;

    [Inject]
    private TimeProvider Time { get; set; } = null!;

    private string Title => JobId is null ? "New job" : _loadedName is null ? "Edit job" : $"Edit job: {_loadedName}";

    // Save stays pressable while a problem is hidden: leaving the name field on the way to Save shows the name's
    // message before the click arrives, and the click must still reveal the rest.
    /// <summary>
    /// Save stays enabled while the check of the last change is pending: a click then runs that check first. Disabling it
    /// on each keystroke lost a click that reached the server just before the disabled button reached the browser.
    /// </summary>
    private bool CanSave => _form is not null && (_validating || _form.Errors.IsEmpty || !_form.ShowsEveryError) && !_saving;

    /// <summary>Opens the editor; the saved job, or null when the user cancelled.</summary>
    public static async Task<JobDocument?> OpenAsync(IDialogService dialogs, int? jobId)
    {
        var parameters = new DialogParameters<JobEditorDialog> { { x => x.JobId, jobId } };
        var options = new DialogOptions
        {
            MaxWidth = MaxWidth.Medium,
            FullWidth = true,
            CloseButton = true,

            // Escape also closes the script editor's suggestions; it must not throw away the user's work.
            CloseOnEscapeKey = false,
            BackdropClick = false,
        };
        var dialog = await dialogs.ShowAsync<JobEditorDialog>(jobId is null ? "New job" : "Edit job", parameters, options);
        var result = await dialog.Result;
        return result is { Canceled: false, Data: JobDocument saved } ? saved : null;
    }

    protected override async Task OnInitializedAsync()
    {
        var jobs = await Catalog.ListAsync();
        JobDocument? job = null;
        if (JobId is int id)
        {
            job = await Catalog.GetAsync(id);
            if (job is null)
            {
                _loadError = "This job no longer exists; it was deleted.";
                return;
            }

            _downstream = await Catalog.DownstreamNamesAsync(id);
        }

        _otherJobs = [.. jobs.Where(j => j.Id != JobId)];
        _folders = [.. jobs.SelectMany(j => FolderPath.SelfAndAncestors(j.Folder ?? "")).Where(f => f.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.OrdinalIgnoreCase)];
        _loadedName = job?.Name;

        // A loaded job's problems are real ones, so they show at once; a new job's empty fields wait to be touched.
        _form = new JobEditorForm(job is null ? new JobEditorModel() : JobEditorModel.From(job), showAllErrors: job is not null);
        await ValidateAsync(CancellationToken.None);
    }

    private object? Badge(EditorTab tab) => _form?.ShownErrorCount(tab) is > 0 and var count ? count : null;

    private Color TabColor(EditorTab tab) => Badge(tab) is null ? Color.Default : Color.Error;

    private static string ProblemsText(JobEditorForm form) =>
        form.FieldsWithErrors.Count == 1 ? "1 field to fix" : $"{form.FieldsWithErrors.Count} fields to fix";

    private void ValidateSoon()
    {
        _saveError = null;
        _pendingValidation?.Cancel();
        _pendingValidation?.Dispose();
        _pendingValidation = new CancellationTokenSource();
        _validating = true;
        _ = ValidateLaterAsync(_pendingValidation.Token);
    }

    private async Task ValidateLaterAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(ValidationDelay, Time, cancellationToken);
            await ValidateAsync(cancellationToken);
            StateHasChanged();
        }
        catch (OperationCanceledException)
        {
            // A newer change started its own check.
        }
        catch (Exception ex)
        {
            await DispatchExceptionAsync(ex);
        }
    }

    private async Task ValidateAsync(CancellationToken cancellationToken)
    {
        var model = _form!.Model;
        var errors = await Catalog.ValidateAsync(JobId, model.ToDocument(), cancellationToken);
        errors.AddRange(model.Environment.LocalErrors());
        cancellationToken.ThrowIfCancellationRequested();
        _form.SetErrors(errors);
        _validating = false;
    }

    private async Task<IReadOnlyList<string>> CheckDependenciesAsync(IReadOnlyList<string> candidate)
    {
        var model = _form!.Model;
        var current = await Catalog.ValidateAsync(JobId, model.ToDocument());
        var changed = await Catalog.ValidateAsync(JobId, model.ToDocument(candidate));
        return [.. changed.For(JobFields.Dependencies).Except(current.For(JobFields.Dependencies), StringComparer.Ordinal)];
    }

    private void ShowProblems()
    {
        _form!.ShowAll();
        if (_form.FirstTabWithErrors() is { } tab)
        {
            _tab = (int)tab;
        }
    }

    private void Cancel() => MudDialog.Cancel();

    private async Task SaveAsync()
    {
        // A second click can arrive before the disabled button is drawn.
        if (!CanSave)
        {
            return;
        }

        _saving = true;
        try
        {
            await _form!.FlushAsync();
            if (_validating)
            {
                _pendingValidation?.Cancel();
                await ValidateAsync(CancellationToken.None);
            }

            if (!_form.Errors.IsEmpty)
            {
                ShowProblems();
                return;
            }

            var document = _form.Model.ToDocument();
            var saved = JobId is int id ? await Catalog.UpdateAsync(id, document) : await Catalog.CreateAsync(document);
            if (saved is null)
            {
                _saveError = "This job was deleted meanwhile; it cannot be saved.";
                return;
            }

            MudDialog.Close(DialogResult.Ok(saved));
        }
        catch (JobValidationException ex)
        {
            // Another user changed the catalogue since the last check (a name taken, an upstream deleted).
            _form!.SetErrors(ex.Errors);
            ShowProblems();
        }
        catch (Exception ex) when (ex is InvalidOperationException or DbUpdateException or EtlWeb.Security.AccessDeniedException)
        {
            // The dialog stays open with the user's work in it; the message says what went wrong.
            _saveError = $"The job could not be saved: {ex.Message}";
        }
        finally
        {
            _saving = false;
        }
    }

    public void Dispose()
    {
        _pendingValidation?.Cancel();
        _pendingValidation?.Dispose();
    }
}
