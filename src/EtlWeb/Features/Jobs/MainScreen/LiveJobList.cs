using System.Collections.Concurrent;
using EtlWeb.Core.Jobs;
using EtlWeb.Features.Layout;
using EtlWeb.Realtime;

namespace EtlWeb.Features.Jobs.MainScreen;

/// <summary>
/// Keeps the main screen's <see cref="JobListModel"/> current without polling: job changes and run events are
/// batched (<see cref="ChangeBatcher{T}"/>); a batch first shows the statuses the run events carry, then reads
/// the touched jobs again, one by one for a few or all at once for many (reading one job costs about a
/// quarter of reading all of them at 10,000 jobs, since names and dependencies come with it).
/// </summary>
public sealed class LiveJobList : IDisposable
{
    private const int ReadEachUpTo = 3;

    private readonly JobListModel _model;
    private readonly JobCatalog _catalog;
    private readonly Func<Action, Task> _onCircuit;
    private readonly Action<string> _report;
    private readonly ChangeBatcher<int> _batcher;
    private readonly ConcurrentDictionary<int, RunChanged> _latestRuns = new();
    private readonly IDisposable _jobChanges;
    private readonly IDisposable _runChanges;

    /// <param name="onCircuit">Runs a change of the model on the page's circuit and renders it (the page's InvokeAsync).</param>
    /// <param name="report">Tells the person when live updates fail.</param>
    public LiveJobList(JobListModel model, JobCatalog catalog, JobChangeFeed changes, RunBroadcaster runs, TimeProvider time,
        Func<Action, Task> onCircuit, Action<string> report)
    {
        _model = model;
        _catalog = catalog;
        _onCircuit = onCircuit;
        _report = report;
        _batcher = new ChangeBatcher<int>(TimeSpan.FromMilliseconds(300), time, RefreshAsync);
        _jobChanges = changes.Subscribe(_batcher.Add);
        _runChanges = runs.SubscribeRuns(change =>
        {
            _latestRuns.AddOrUpdate(change.JobId, change, (_, known) => change.RunId >= known.RunId ? change : known);
            _batcher.Add(change.JobId);
        });
    }

    private async Task RefreshAsync(IReadOnlySet<int> ids)
    {
        await _onCircuit(ShowRunStatuses);
        try
        {
            if (ids.Count > ReadEachUpTo)
            {
                var all = await _catalog.ListAsync();
                await _onCircuit(() => _model.Load(all));
                return;
            }

            var fresh = new Dictionary<int, JobDocument?>();
            foreach (var id in ids)
            {
                fresh[id] = await _catalog.GetAsync(id);
            }

            await _onCircuit(() => _model.Replace(fresh));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await _onCircuit(() => _report($"Live update failed, press Refresh: {ex.Message}"));
        }
    }

    /// <summary>The status a run event carries is shown at once; the read that follows brings the times.</summary>
    private void ShowRunStatuses()
    {
        var shown = new Dictionary<int, JobDocument?>();
        foreach (var jobId in _latestRuns.Keys)
        {
            if (_latestRuns.TryRemove(jobId, out var change) && _model.Find(jobId) is { } job)
            {
                shown[jobId] = job with { Status = change.Status.ToString() };
            }
        }

        if (shown.Count > 0)
        {
            _model.Replace(shown);
        }
    }

    public void Dispose()
    {
        _jobChanges.Dispose();
        _runChanges.Dispose();
        _batcher.Dispose();
    }
}
