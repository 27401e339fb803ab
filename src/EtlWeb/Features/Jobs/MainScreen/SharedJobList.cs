using EtlWeb.Security;

namespace EtlWeb.Features.Jobs.MainScreen;

/// <summary>
/// Keeps a tab's <see cref="JobListModel"/> on the <see cref="SharedCatalog"/>: each new snapshot is shown as the tab's
/// viewer may see it, without a read of the database per tab. A snapshot older than the one shown is dropped.
/// </summary>
public sealed class SharedJobList : IDisposable
{
    private readonly JobListModel _model;
    private readonly SharedCatalog _catalog;
    private readonly ViewerScope _viewer;
    private readonly Func<Action, Task> _onCircuit;
    private readonly IDisposable _subscription;
    private long _shown = -1;

    /// <param name="viewer">Who the tab shows the jobs to: the circuit's user.</param>
    /// <param name="onCircuit">Runs a change of the model on the page's circuit and renders it (the page's InvokeAsync).</param>
    public SharedJobList(JobListModel model, SharedCatalog catalog, Actor? viewer, Func<Action, Task> onCircuit)
    {
        _model = model;
        _catalog = catalog;
        _viewer = ViewerScope.Of(viewer);
        _onCircuit = onCircuit;
        _subscription = catalog.Subscribe(snapshot => _ = onCircuit(() => Show(snapshot)));
    }

    /// <summary>Shows the current snapshot (the first tab of the process reads the catalogue).</summary>
    public async Task LoadAsync(CancellationToken cancellationToken = default) =>
        Show(await _catalog.CurrentAsync(cancellationToken));

    /// <summary>Reads the catalogue again for every tab (the Refresh button) and shows it.</summary>
    public async Task ReloadAsync(CancellationToken cancellationToken = default)
    {
        await _catalog.ReloadAsync(cancellationToken);
        await LoadAsync(cancellationToken);
    }

    private void Show(CatalogSnapshot snapshot)
    {
        if (snapshot.Version < _shown)
        {
            return;
        }

        _shown = snapshot.Version;
        _model.Load(snapshot.For(_viewer));
    }

    public void Dispose() => _subscription.Dispose();
}
