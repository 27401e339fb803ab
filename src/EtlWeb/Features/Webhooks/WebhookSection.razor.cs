using EtlWeb.Configuration;
using EtlWeb.Core.Jobs;
using EtlWeb.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;

namespace EtlWeb.Features.Webhooks;

/// <summary>
/// Shows and manages one job's webhook. The token is read here, in the user's circuit, rather than taken from the
/// job list, so it is the current one right after a create or rotate.
/// </summary>
public sealed partial class WebhookSection
{
    private int? _loadedFor;
    private string? _token;
    private bool _loaded;
    private bool _busy;

    [Parameter, EditorRequired]
    public JobDocument Job { get; set; } = null!;

    [Inject]
    private WebhookTokens Webhooks { get; set; } = null!;

    [Inject]
    private PublicLinks Links { get; set; } = null!;

    [Inject]
    private IDialogService Dialogs { get; set; } = null!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = null!;

    [Inject]
    private IJSRuntime JS { get; set; } = null!;

    private int JobId => Job.Id!.Value;

    protected override async Task OnParametersSetAsync()
    {
        if (_loadedFor == JobId)
        {
            return;
        }

        _loadedFor = JobId;
        _loaded = false;
        _token = (await Webhooks.RevealAsync(JobId)).GetValueOrDefault(JobId);
        _loaded = true;
    }

    private Task CreateAsync() => ChangeAsync(async () =>
    {
        _token = await Webhooks.CreateAsync(JobId);
        Snackbar.Add($"'{Job.Name}' has a webhook now.", Severity.Success);
    });

    private async Task RotateAsync()
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync(new MessageBoxOptions
        {
            Title = $"Rotate the webhook of '{Job.Name}'?",
            Message = "The current URL stops working at once: every system that calls it needs the new one.",
            YesText = "Rotate",
            CancelText = "Cancel",
        });
        if (confirmed == true)
        {
            await ChangeAsync(async () =>
            {
                _token = await Webhooks.CreateAsync(JobId);
                Snackbar.Add("Webhook rotated: the old URL no longer works.", Severity.Success);
            });
        }
    }

    private async Task RemoveAsync()
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync(new MessageBoxOptions
        {
            Title = $"Remove the webhook of '{Job.Name}'?",
            Message = "Its URL stops working at once.",
            YesText = "Remove",
            CancelText = "Cancel",
        });
        if (confirmed == true)
        {
            await ChangeAsync(async () =>
            {
                await Webhooks.RemoveAsync(JobId);
                _token = null;
                Snackbar.Add("Webhook removed.", Severity.Success);
            });
        }
    }

    private async Task ChangeAsync(Func<Task> change)
    {
        _busy = true;
        try
        {
            await change();
        }
        catch (AccessDeniedException ex)
        {
            Snackbar.Add(ex.Message, Severity.Error);
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task CopyAsync()
    {
        try
        {
            await JS.InvokeVoidAsync("navigator.clipboard.writeText", Links.Hook(_token!));
            Snackbar.Add("URL copied.", Severity.Success);
        }
        catch (JSException)
        {
            // The browser allows the clipboard only on HTTPS or localhost; the URL can still be selected by hand.
            Snackbar.Add("The browser refused the clipboard: select the URL and copy it.", Severity.Warning);
        }
    }
}
