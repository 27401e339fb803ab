using EtlWeb.Core.Jobs;
using EtlWeb.Core.Runs;
using EtlWeb.Features.Layout;
using EtlWeb.Features.Runs;
using MudBlazor;

namespace EtlWeb.Features.Jobs.MainScreen;

/// <summary>
/// What the toolbar and the Jobs menu do to a job, with the questions and messages a person sees. The list
/// itself is refreshed by the change and run events these writes raise, not here.
/// </summary>
public sealed class JobActions(JobCatalog catalog, RunService runs, IDialogService dialogs, ISnackbar snackbar, ShellState shell)
{
    /// <summary>Starts the job; one with parameters opens the run form first, where the run is started.</summary>
    public async Task RunAsync(JobDocument job, bool withDownstream)
    {
        if (job.Parameters is { Count: > 0 })
        {
            await RunDialog.ShowAsync(dialogs, job, withDownstream);
            return;
        }

        var outcome = await runs.TriggerAsync(job.Id!.Value, TriggerKind.Manual, withDownstream);
        if (outcome.Run is { } run)
        {
            Tell($"Run #{run.Id} of '{job.Name}' is {run.Status.ToString().ToLowerInvariant()}{(withDownstream ? "" : " (without downstream)")}.", Severity.Success);
        }
        else
        {
            Tell(outcome.Refusal ?? $"'{job.Name}' could not be started.", Severity.Warning);
        }
    }

    /// <summary>Opens the backfill form of a Cron or Interval job; it starts the backfill and opens its page.</summary>
    public async Task BackfillAsync(JobDocument job)
    {
        if (job.ScheduleType is not ("cron" or "interval"))
        {
            Tell($"'{job.Name}' has no Cron or Interval schedule: a backfill re-runs the due times of a schedule.", Severity.Info);
            return;
        }

        await Backfills.BackfillDialog.ShowAsync(dialogs, job);
    }

    /// <summary>Asks first, naming the jobs that depend on this one; true when the job was deleted.</summary>
    public async Task<bool> DeleteAsync(JobDocument job)
    {
        var id = job.Id!.Value;
        var downstream = await catalog.DownstreamNamesAsync(id);
        var message = downstream.Count == 0
            ? $"Delete '{job.Name}' and its run history? This cannot be undone."
            : downstream.Count == 1
                ? $"{Quote(downstream)} depends on '{job.Name}'. Deleting '{job.Name}' removes that dependency too, so it will no longer wait for it. "
                  + $"Delete '{job.Name}' and its run history? This cannot be undone."
                : $"{Quote(downstream)} depend on '{job.Name}'. Deleting '{job.Name}' removes those dependencies too, so they will no longer wait for it. "
                  + $"Delete '{job.Name}' and its run history? This cannot be undone.";
        var confirmed = await dialogs.ShowMessageBoxAsync(new MessageBoxOptions
        {
            Title = $"Delete job '{job.Name}'?",
            Message = message,
            YesText = "Delete",
            CancelText = "Cancel",
        });
        if (confirmed != true)
        {
            return false;
        }

        if (!await catalog.DeleteAsync(id))
        {
            Tell($"'{job.Name}' was already deleted.", Severity.Info);
            return false;
        }

        Tell($"Deleted '{job.Name}'.", Severity.Success);
        return true;
    }

    public async Task ToggleEnabledAsync(JobDocument job)
    {
        var enable = job.Enabled == false;
        if (await catalog.SetEnabledAsync(job.Id!.Value, enable))
        {
            Tell(enable ? $"Enabled '{job.Name}': its schedule is running again." : $"Disabled '{job.Name}': it will not fire or be started by its upstream.", Severity.Success);
        }
        else
        {
            Tell($"'{job.Name}' no longer exists.", Severity.Warning);
        }
    }

    /// <summary>Runs an action and turns a failure into a message a person can act on, instead of a broken page.</summary>
    public async Task TryAsync(string what, Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Tell($"Could not {what}: {ex.Message}", Severity.Error);
        }
    }

    private void Tell(string message, Severity severity)
    {
        shell.Report(message);
        snackbar.Add(message, severity);
    }

    private static string Quote(IReadOnlyList<string> names) =>
        names.Count <= 5
            ? string.Join(", ", names.Select(n => $"'{n}'"))
            : $"{string.Join(", ", names.Take(5).Select(n => $"'{n}'"))} and {names.Count - 5} more";
}
