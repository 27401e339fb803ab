using EtlWeb.Core.Runs;
using EtlWeb.Data;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Metrics;

/// <summary>
/// What a scrape reads before the registry is written out, in one short database visit: the names of the jobs the run
/// counters have seen (a renamed job's series moves to its new name), the queue depth, the waiting runs and each node's
/// heartbeat. Every node reports the database-wide gauges alike; a dashboard takes their max over the nodes.
/// </summary>
public sealed class MetricsScrape : IDisposable
{
    private readonly EtlMetrics _metrics;
    private readonly IDbContextFactory<EtlDbContext> _dbFactory;
    private readonly NodeLiveness _liveness;
    private readonly TimeProvider _time;
    private readonly ILogger<MetricsScrape> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<int, string> _labels = [];
    private HashSet<string> _nodes = [];
    private HashSet<string> _pools = [];

    public MetricsScrape(EtlMetrics metrics, IDbContextFactory<EtlDbContext> dbFactory, NodeLiveness liveness, TimeProvider time, ILogger<MetricsScrape> logger)
    {
        _liveness = liveness;
        _metrics = metrics;
        _dbFactory = dbFactory;
        _time = time;
        _logger = logger;
        metrics.Registry.AddBeforeCollectCallback(CollectAsync);
    }

    private async Task CollectAsync(CancellationToken cancellationToken)
    {
        // Two scrapes at once would both move the same series: one at a time.
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var db = await _dbFactory.CreateDbContextAsync(cancellationToken);
            var started = _metrics.StartedCounts.ToList();
            var ended = _metrics.EndedCounts.ToList();
            var ids = started.Select(s => s.JobId).Concat(ended.Select(e => e.JobId)).Distinct().ToList();
            var names = await db.Jobs.AsNoTracking().Where(j => ids.Contains(j.Id)).ToDictionaryAsync(j => j.Id, j => j.Name, cancellationToken);
            foreach (var id in ids)
            {
                Relabel(id, names.GetValueOrDefault(id));
            }

            foreach (var (jobId, count) in started)
            {
                _metrics.RunsStarted.WithLabels(_labels[jobId]).IncTo(count);
            }

            foreach (var (jobId, status, count) in ended)
            {
                _metrics.RunsEnded.WithLabels(_labels[jobId], status.ToString()).IncTo(count);
            }

            _metrics.AttemptsQueued.Set(await db.Attempts.CountAsync(a => a.Status == AttemptStatus.Queued, cancellationToken));
            _metrics.RunsWaiting.Set(await db.Runs.CountAsync(r => r.Status == RunStatus.Waiting, cancellationToken));
            await PoolsAsync(db, cancellationToken);
            await HeartbeatsAsync(db, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The counters kept in memory are still served; /health tells what is wrong with the database.
            _logger.LogWarning(ex, "The metrics that come from the database could not be read; they keep their last values");
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A job's label is its name; a renamed job's series are removed so they start again under the new name.</summary>
    private void Relabel(int jobId, string? name)
    {
        if (_labels.TryGetValue(jobId, out var label) && (name is null || name == label))
        {
            // Unchanged, or the job was deleted: its series keep the name they had.
            return;
        }

        if (label is not null)
        {
            foreach (var status in Enum.GetValues<RunStatus>())
            {
                _metrics.RunsEnded.RemoveLabelled(label, status.ToString());
            }

            _metrics.RunsStarted.RemoveLabelled(label);
        }

        _labels[jobId] = name ?? $"#{jobId}";
    }

    private async Task PoolsAsync(EtlDbContext db, CancellationToken cancellationToken)
    {
        var pools = await PoolQueries.UseAsync(db, null, cancellationToken);
        foreach (var pool in pools.Values)
        {
            _metrics.PoolSlotsUsed.WithLabels(pool.Name).Set(pool.Used);
            _metrics.PoolSlots.WithLabels(pool.Name).Set(pool.Slots);
        }

        foreach (var gone in _pools.Where(p => !pools.ContainsKey(p)))
        {
            _metrics.PoolSlotsUsed.RemoveLabelled(gone);
            _metrics.PoolSlots.RemoveLabelled(gone);
        }

        _pools = [.. pools.Keys];
    }

    private async Task HeartbeatsAsync(EtlDbContext db, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var beats = (await db.Nodes.AsNoTracking().Where(n => n.StoppedAt == null).ToListAsync(cancellationToken)).Select(n => _liveness.Current(n)).ToList();
        foreach (var beat in beats)
        {
            _metrics.HeartbeatAge.WithLabels(beat.Name).Set(EtlMetrics.Seconds(now - beat.LastHeartbeat));
        }

        var current = beats.Select(b => b.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _nodes.Where(n => !current.Contains(n)))
        {
            _metrics.HeartbeatAge.RemoveLabelled(gone);
        }

        _nodes = current;
    }

    public void Dispose() => _gate.Dispose();
}
