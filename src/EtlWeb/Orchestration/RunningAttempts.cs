using System.Collections.Concurrent;
using EtlWeb.Metrics;

namespace EtlWeb.Orchestration;

/// <summary>Why an executor is asked to stop its process before it ends.</summary>
public enum StopRequest
{
    /// <summary>An operator cancelled the run.</summary>
    Cancel,

    /// <summary>This node was taken for lost and its attempt was settled elsewhere: the process must not go on.</summary>
    Disown,
}

/// <summary>
/// The attempts whose process runs on this node, so a cancel or a disown reaches the executor that owns it; their
/// number is the <c>etlweb_attempts_running</c> gauge. A cancel that arrives between an attempt's claim and its
/// registration here is kept for a while and stops the attempt as it registers.
/// </summary>
public sealed class RunningAttempts(EtlMetrics metrics, TimeProvider time)
{
    /// <summary>How long a cancel waits for its attempt to register: far longer than a claim takes to reach its executor.</summary>
    private static readonly TimeSpan PendingFor = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<long, Entry> _byRun = new();
    private readonly ConcurrentDictionary<long, DateTimeOffset> _pendingCancels = new();

    private sealed record Entry(long AttemptId, TaskCompletionSource<StopRequest> Stop);

    public int Count => _byRun.Count;

    /// <summary>The attempts running here now.</summary>
    public IReadOnlyList<long> AttemptIds => [.. _byRun.Values.Select(e => e.AttemptId)];

    /// <summary>Registers a run's current attempt; the returned task completes when it is asked to stop.</summary>
    public Task<StopRequest> Register(long runId, long attemptId)
    {
        var stop = new TaskCompletionSource<StopRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        _byRun[runId] = new Entry(attemptId, stop);
        metrics.RunningAttemptsChanged(_byRun.Count);
        if (_pendingCancels.TryRemove(runId, out _))
        {
            stop.TrySetResult(StopRequest.Cancel);
        }

        return stop.Task;
    }

    public void Unregister(long runId)
    {
        _byRun.TryRemove(runId, out _);
        metrics.RunningAttemptsChanged(_byRun.Count);
    }

    /// <summary>
    /// Asks the executor running <paramref name="runId"/> here to stop it; false when it does not run here (yet: an
    /// attempt claimed a moment ago and not registered is stopped as it registers).
    /// </summary>
    public bool RequestCancel(long runId)
    {
        if (_byRun.TryGetValue(runId, out var entry))
        {
            return entry.Stop.TrySetResult(StopRequest.Cancel);
        }

        var now = time.GetUtcNow();
        foreach (var (run, at) in _pendingCancels)
        {
            if (now - at > PendingFor)
            {
                _pendingCancels.TryRemove(run, out _);
            }
        }

        _pendingCancels[runId] = now;
        // Registered meanwhile: the entry is there to stop, and the pending cancel is not needed.
        if (_byRun.TryGetValue(runId, out entry) && _pendingCancels.TryRemove(runId, out _))
        {
            return entry.Stop.TrySetResult(StopRequest.Cancel);
        }

        return false;
    }

    /// <summary>Tells the executor of <paramref name="attemptId"/> that the attempt is no longer this node's; false when it does not run here.</summary>
    public bool Disown(long attemptId) =>
        _byRun.Values.FirstOrDefault(e => e.AttemptId == attemptId) is { } entry && entry.Stop.TrySetResult(StopRequest.Disown);
}
