using System.Collections.Concurrent;
using System.Collections.Immutable;
using EtlWeb.Core.Runs;

namespace EtlWeb.Realtime;

/// <summary>A run's status changed (or a new attempt began).</summary>
/// <param name="BackfillId">The backfill the run is part of, if any: its end lets the backfill start its next due time.</param>
public sealed record RunChanged(long RunId, int JobId, RunStatus Status, long? AttemptId, int AttemptNumber, long? BackfillId = null);

/// <summary>
/// In-process fan-out of run status changes and live log lines to pages and API streams. Subscribers are
/// called on the publisher's thread, in their own execution context (<see cref="InContext{T}"/>), and must only hand
/// the data on (InvokeAsync, a channel).
/// </summary>
public sealed class RunBroadcaster
{
    private readonly Lock _gate = new();
    private readonly Subscribers<RunChanged> _runSubscribers = new();
    private readonly Subscribers<RunChanged> _localRunSubscribers = new();
    private readonly ConcurrentDictionary<long, ImmutableList<InContext<IReadOnlyList<LogLine>>>> _logSubscribers = new();

    public IDisposable SubscribeRuns(Action<RunChanged> onChanged) => _runSubscribers.Add(onChanged);

    /// <summary>How many run changes were heard so far, from this node and its peers.</summary>
    public long RunChanges => _runSubscribers.Published;

    /// <summary>Hears only the changes made on this node (the cluster bus passes them to the others).</summary>
    public IDisposable SubscribeLocalRuns(Action<RunChanged> onChanged) => _localRunSubscribers.Add(onChanged);

    /// <summary>A change made on this node.</summary>
    public void Publish(RunChanged change)
    {
        _runSubscribers.Publish(change);
        _localRunSubscribers.Publish(change);
    }

    /// <summary>A change another node made, heard through the cluster bus.</summary>
    public void PublishFromPeer(RunChanged change) => _runSubscribers.Publish(change);

    public IDisposable SubscribeLog(long attemptId, Action<IReadOnlyList<LogLine>> callback)
    {
        var onLines = new InContext<IReadOnlyList<LogLine>>(callback);
        lock (_gate)
        {
            _logSubscribers[attemptId] = _logSubscribers.TryGetValue(attemptId, out var list) ? list.Add(onLines) : [onLines];
        }

        return new Subscription(() =>
        {
            lock (_gate)
            {
                if (_logSubscribers.TryGetValue(attemptId, out var list))
                {
                    var remaining = list.Remove(onLines);
                    if (remaining.IsEmpty)
                    {
                        _logSubscribers.TryRemove(attemptId, out _);
                    }
                    else
                    {
                        _logSubscribers[attemptId] = remaining;
                    }
                }
            }
        });
    }

    public bool HasLogSubscribers(long attemptId) => _logSubscribers.ContainsKey(attemptId);

    public void PublishLog(long attemptId, IReadOnlyList<LogLine> lines)
    {
        if (_logSubscribers.TryGetValue(attemptId, out var subscribers))
        {
            foreach (var subscriber in subscribers)
            {
                subscriber.Invoke(lines);
            }
        }
    }
}
