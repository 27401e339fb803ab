using System.Collections.Concurrent;
using EtlWeb.Core.Runs;
using EtlWeb.Realtime;

namespace EtlWeb.Metrics;

/// <summary>
/// Measures how long attempts wait in the queue. The node that queues an attempt notes when it may start (now for a
/// first attempt, after its delay for a retry), and observes the wait when it hears the attempt started, on this node
/// or, through the cluster bus, on another. A run holds at most one queued attempt, so the notes are kept by run and
/// dropped when the run ends before its attempt started (a cancel, a disabled job). Nothing is read from the database:
/// the instant a first attempt was queued is not stored.
/// </summary>
public sealed class QueueWaits(RunBroadcaster broadcaster, EtlMetrics metrics, TimeProvider time) : IHostedService
{
    private readonly ConcurrentDictionary<long, Queued> _byRun = new();
    private IDisposable? _subscription;

    private readonly record struct Queued(long AttemptId, long Due);

    /// <summary>
    /// An attempt of <paramref name="runId"/> was queued, to start after <paramref name="delay"/>: noted before it
    /// reaches the workers, which may start it at once. A retry is noted after its own change was published, which
    /// already names it while it waits.
    /// </summary>
    public void Queue(long runId, long attemptId, TimeSpan delay) =>
        _byRun[runId] = new Queued(attemptId, time.GetTimestamp() + (long)(delay.TotalSeconds * time.TimestampFrequency));

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Without the starting context: the callback records a figure and acts for nobody.
        using (ExecutionContext.SuppressFlow())
        {
            _subscription = broadcaster.SubscribeRuns(Heard);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }

    private void Heard(RunChanged change)
    {
        if (!_byRun.TryGetValue(change.RunId, out var queued))
        {
            return;
        }

        if (change.Status == RunStatus.Running && change.AttemptId == queued.AttemptId && _byRun.TryRemove(new(change.RunId, queued)))
        {
            metrics.QueueWait.Observe(EtlMetrics.Seconds(time.GetElapsedTime(queued.Due)));
        }
        else if (change.Status.IsTerminal())
        {
            _byRun.TryRemove(change.RunId, out _);
        }
    }
}
