using EtlWeb.Core.Jobs;
using EtlWeb.Features.Jobs;
using EtlWeb.Features.Jobs.MainScreen;
using EtlWeb.Features.Layout;
using EtlWeb.Features.Runs;
using EtlWeb.Features.Security;
using EtlWeb.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;

namespace EtlWeb.Features.Designer;

/// <summary>
/// The workflow designer: every job a box, every dependency a link, statuses live (the same batched feed as the
/// main screen, no polling). Moves are saved in batches at the drop; drawn and deleted links go through
/// <see cref="DependencyEditor"/>, so the catalogue's rules decide and its messages are shown.
/// </summary>
public sealed partial class DesignerPage : IBoxCommands, IDisposable
{
    private readonly DesignerDiagram _diagram = new();
    private readonly JobListModel _jobs = new();
    private SharedJobList? _live;
    private PositionSaver? _saver;
    private JobActions _actions = null!;
    private MudMenu? _menu;
    private JobBox? _menuBox;
    private DependencyLink? _selectedLink;
    private string? _found;
    private string? _loadError;
    private bool _loaded;
    private bool _ready;
    private long _started;
    private long? _renderMs;

    [CascadingParameter]
    public ShellState Shell { get; set; } = null!;

    [CascadingParameter]
    public UserAccess Access { get; set; } = UserAccess.Nobody;

    [Inject]
    private JobCatalog Catalog { get; set; } = null!;

    [Inject]
    private NavigationManager Navigation { get; set; } = null!;

    [Inject]
    private SharedCatalog Shared { get; set; } = null!;

    [Inject]
    private CurrentActor Actors { get; set; } = null!;

    [Inject]
    private RunService Runs { get; set; } = null!;

    [Inject]
    private DependencyEditor Dependencies { get; set; } = null!;

    [Inject]
    private BoxPositionStore Positions { get; set; } = null!;

    [Inject]
    private IDialogService Dialogs { get; set; } = null!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = null!;

    [Inject]
    private TimeProvider Time { get; set; } = null!;

    // The user's access arrives from the layout, possibly after the first initialisation: follow it.
    // The folder arrives in the address: from the picker, a stub's link or a link from elsewhere.
    protected override void OnParametersSet()
    {
        _diagram.ReadOnly = !Access.CanAdminister;
        FollowAddress();
    }

    protected override async Task OnInitializedAsync()
    {
        // Rendered twice, on the server first: the jobs are read once, for the live page.
        if (!RendererInfo.IsInteractive)
        {
            return;
        }

        _started = Time.GetTimestamp();
        _actions = new JobActions(Catalog, Runs, Dialogs, Snackbar, Shell);
        _saver = new PositionSaver(Positions, Time, message => _ = InvokeAsync(() => Shell.Report(message)));
        _diagram.BoxMoved += box =>
        {
            foreach (var (id, position) in _diagram.TakeLaidOut())
            {
                _saver.Add(id, position);
            }

            _saver.Add(box.JobId, DesignerDiagram.PositionOf(box));
            _diagram.Stubs.Show(_view, _diagram.Find);
        };
        _diagram.LinkDrawn += (upstream, downstream) => _ = InvokeAsync(() => AddDependencyAsync(upstream, downstream));
        _diagram.Diagram.SelectionChanged += _ => ShowSelectedLink();
        _diagram.Diagram.ContainerChanged += FinishFirstRender;
        _diagram.Diagram.Options.Constraints.ShouldDeleteLink = link => ConfirmDeleteAsync(link);
        _live = new SharedJobList(_jobs, Shared, Actors.Value, ApplyLive);
        try
        {
            (_folder, _around) = (AskedFolder(), AskedJob());
            await _live.LoadAsync();
            _hidden = await HiddenNeighbours.ReadAsync();
            ShowJobs();
            ReportCounts();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _loadError = ex.Message;
        }

        _loaded = true;
        FinishFirstRender();
    }

    /// <summary>Fits the diagram once both the jobs and the canvas size (a browser round trip) are known.</summary>
    private void FinishFirstRender()
    {
        if (_ready || !_loaded || _diagram.Diagram.Container is null)
        {
            return;
        }

        ShowChosen();
        _ready = true;
        _renderMs = (long)Time.GetElapsedTime(_started).TotalMilliseconds;
        StateHasChanged();
    }

    private Task ApplyLive(Action change) => InvokeAsync(() =>
    {
        change();
        ShowJobs();
        StateHasChanged();
    });

    private void ShowJobs()
    {
        _inFolder = [.. _jobs.View.Where(j => FolderPath.Covers(_folder, j.Folder ?? ""))];
        _part = GraphPart.Of(_inFolder, _around);
        _view = FolderView.Of(_jobs.View, _part.Jobs, _hidden);
        // New boxes without a saved place are laid out but not saved: opening the page writes nothing.
        _diagram.Show(_view.Jobs);
        _diagram.Stubs.Show(_view, _diagram.Find);

        ShowSelectedLink();
    }

    private void ShowSelectedLink()
    {
        var selected = _diagram.SelectedLink;
        if (selected != _selectedLink)
        {
            _selectedLink = selected;
            StateHasChanged();
        }
    }

    private void AutoLayout()
    {
        foreach (var (id, position) in _diagram.ArrangeAll())
        {
            _saver!.Add(id, position);
        }

        _diagram.Stubs.Show(_view, _diagram.Find);
        _diagram.FitToScreen();
    }

    private async Task AddDependencyAsync(JobBox upstream, JobBox downstream)
    {
        await _actions.TryAsync("add the dependency", async () =>
        {
            var change = await Dependencies.AddAsync(upstream.JobId, downstream.JobId);
            Tell(change);
        });
    }

    private string LinkKindLabel => _selectedLink is { } link
        ? "Runs: " + EtlWeb.Features.Jobs.Editor.LinkRow.Title(EtlWeb.Core.Jobs.JobText.Of(link.When)).ToLowerInvariant()
        : "Link runs";

    private async Task SetLinkKindAsync(EtlWeb.Core.Jobs.LinkKind when)
    {
        if (_selectedLink is not { } link)
        {
            return;
        }

        await _actions.TryAsync("change the link", async () =>
        {
            var change = await Dependencies.SetKindAsync(link.Upstream.JobId, link.Downstream.JobId, when);
            Tell(change);
        });
    }

    private Task DeleteSelectedLinkAsync() => Blazor.Diagrams.Core.Behaviors.KeyboardShortcutsDefaults.DeleteSelection(_diagram.Diagram).AsTask();

    /// <summary>The Delete key and the Delete link button come here: asked first, then removed from the catalogue.</summary>
    private async ValueTask<bool> ConfirmDeleteAsync(Blazor.Diagrams.Core.Models.Base.BaseLinkModel link)
    {
        // A stub's link is the far end of a dependency kept elsewhere: not deleted from here.
        if (link is not DependencyLink dependency)
        {
            return link is not StubLink;
        }

        if (!Access.CanAdminister)
        {
            return false;
        }

        var upstream = dependency.Upstream.Face.Name;
        var downstream = dependency.Downstream.Face.Name;
        var confirmed = await Dialogs.ShowMessageBoxAsync(new MessageBoxOptions
        {
            Title = "Delete this dependency?",
            Message = $"'{downstream}' will no longer wait for '{upstream}', and a run of '{upstream}' will no longer start it.",
            YesText = "Delete",
            CancelText = "Cancel",
        });
        if (confirmed != true)
        {
            return false;
        }

        var change = await Dependencies.RemoveAsync(dependency.Upstream.JobId, dependency.Downstream.JobId);
        Tell(change);
        return change.Done;
    }

    private void Tell(DependencyChange change)
    {
        Shell.Report(change.Message);
        Snackbar.Add(change.Message, change.Done ? Severity.Success : Severity.Error);
    }

    public async Task OpenAsync(JobBox box)
    {
        if (!Access.CanAdminister)
        {
            // The other roles read the job where it is shown in full: the job list.
            Navigation.NavigateTo($"/?job={box.JobId}");
            return;
        }

        await _actions.TryAsync($"edit '{box.Face.Name}'", async () =>
        {
            if (await JobEditorDialog.OpenAsync(Dialogs, box.JobId) is { } saved)
            {
                Shell.Report($"Saved '{saved.Name}'.");
            }
        });
    }

    public async Task ShowMenuAsync(JobBox box, MouseEventArgs args)
    {
        _menuBox = box;
        StateHasChanged();
        await _menu!.OpenMenuAsync(args);
    }

    private Task RunAsync(JobBox box, bool withDownstream) => WithJobAsync(box, $"run '{box.Face.Name}'", job => _actions.RunAsync(job, withDownstream));

    private Task ToggleEnabledAsync(JobBox box) => WithJobAsync(box, $"change '{box.Face.Name}'", _actions.ToggleEnabledAsync);

    private Task WithJobAsync(JobBox box, string what, Func<Core.Jobs.JobDocument, Task> action) =>
        _actions.TryAsync(what, () => _jobs.Find(box.JobId) is { } job ? action(job) : Task.CompletedTask);

    public void Dispose()
    {
        _live?.Dispose();
        _saver?.Dispose();
    }
}
