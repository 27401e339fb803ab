using Hangfire.Storage;
using Hangfire.Storage.SQLite;

namespace EtlWeb.Orchestration;

/// <summary>
/// Wakes Hangfire workers that wait on the SQLite queue as soon as work is enqueued, instead of letting them
/// sleep out the poll interval. The poll interval stays as a safety net for work enqueued elsewhere. On PostgreSQL
/// nothing watches it: Hangfire.PostgreSql signals its own queue after each enqueue commits (ADR 0009).
/// </summary>
public sealed class QueueWakeUp : IDisposable
{
    private CancellationTokenSource _current = new();
    private readonly ITimer _echo;

    public QueueWakeUp(TimeProvider time)
    {
        _echo = time.CreateTimer(_ => Wake(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The token waiting fetchers watch; it is cancelled by the next <see cref="Wake"/>.</summary>
    public CancellationToken Token => Volatile.Read(ref _current).Token;

    public void Wake()
    {
        // The old source is not disposed: a fetcher may be reading its Token right now, and a source without
        // a timer holds nothing that needs releasing.
        var previous = Interlocked.Exchange(ref _current, new CancellationTokenSource());
        previous.Cancel();
    }

    /// <summary>
    /// Wakes now and once more a moment later: Hangfire inserts into the queue inside a transaction that
    /// commits after this call, so the first wake-up may come before the row is visible.
    /// </summary>
    public void WakeSoon()
    {
        Wake();
        _echo.Change(TimeSpan.FromMilliseconds(20), Timeout.InfiniteTimeSpan);
    }

    public void Dispose()
    {
        _echo.Dispose();
        _current.Dispose();
    }

    /// <summary>Puts the waking queue in front of the SQLite storage's default queue provider.</summary>
    public void Attach(SQLiteStorage storage, SQLiteStorageOptions options, string queue) =>
        storage.QueueProviders.Add(new Provider(new SQLiteJobQueueProvider(options), this), [queue]);

    private sealed class Provider(SQLiteJobQueueProvider inner, QueueWakeUp wakeUp) : IPersistentJobQueueProvider
    {
        public IPersistentJobQueue GetJobQueue(HangfireDbContext connection) => new Queue(inner.GetJobQueue(connection), wakeUp);

        public IPersistentJobQueueMonitoringApi GetJobQueueMonitoringApi(HangfireDbContext connection) => inner.GetJobQueueMonitoringApi(connection);
    }

    private sealed class Queue(IPersistentJobQueue inner, QueueWakeUp wakeUp) : IPersistentJobQueue
    {
        public IFetchedJob Dequeue(string[] queues, CancellationToken cancellationToken)
        {
            while (true)
            {
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, wakeUp.Token);
                try
                {
                    return inner.Dequeue(queues, linked.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // Woken up: look at the queue again right away.
                }
            }
        }

        public void Enqueue(string queue, string jobId)
        {
            inner.Enqueue(queue, jobId);
            wakeUp.WakeSoon();
        }
    }
}
