using System.Collections.Concurrent;
using EtlWeb.Features.Layout;

namespace EtlWeb.Features.Designer;

/// <summary>
/// Collects the boxes a drag (or an automatic layout) moved and saves their positions together shortly after,
/// in one transaction, rather than one write per box or per mouse move.
/// </summary>
public sealed class PositionSaver : IDisposable
{
    private readonly BoxPositionStore _store;
    private readonly Action<string> _report;
    private readonly ConcurrentDictionary<int, BoxPosition> _pending = new();
    private readonly ChangeBatcher<int> _batcher;

    /// <param name="report">Tells the person what was saved, or that saving failed.</param>
    public PositionSaver(BoxPositionStore store, TimeProvider time, Action<string> report)
    {
        _store = store;
        _report = report;
        _batcher = new ChangeBatcher<int>(TimeSpan.FromMilliseconds(250), time, SaveAsync);
    }

    public void Add(int jobId, BoxPosition position)
    {
        _pending[jobId] = position;
        _batcher.Add(jobId);
    }

    private async Task SaveAsync(IReadOnlySet<int> ids)
    {
        var batch = new Dictionary<int, BoxPosition>();
        foreach (var id in ids)
        {
            if (_pending.TryRemove(id, out var position))
            {
                batch[id] = position;
            }
        }

        try
        {
            await _store.SaveAsync(batch);
            _report(batch.Count == 1 ? "Saved the job's position." : $"Saved the positions of {batch.Count} jobs.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _report($"Could not save the positions: {ex.Message}");
        }
    }

    public void Dispose() => _batcher.Dispose();
}
