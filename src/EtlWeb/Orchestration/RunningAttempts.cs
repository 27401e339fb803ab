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
/// number is the <c>etlweb_attempts_running</c> gauge.
/// </summary>
public sealed class RunningAttempts(EtlMetrics metrics)
{
    private readonly ConcurrentDictionary<long, Entry> _byRun = new();

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
        return stop.Task;
    }

    public void Unregister(long runId)
    {
        _byRun.TryRemove(runId, out _);
        metrics.RunningAttemptsChanged(_byRun.Count);
    }

    /// <summary>Asks the executor running <paramref name="runId"/> here to stop it; false when it does not run here.</summary>
    public bool RequestCancel(long runId) => _byRun.TryGetValue(runId, out var entry) && entry.Stop.TrySetResult(StopRequest.Cancel);

    /// <summary>Tells the executor of <paramref name="attemptId"/> that the attempt is no longer this node's; false when it does not run here.</summary>
    public bool Disown(long attemptId) =>
        _byRun.Values.FirstOrDefault(e => e.AttemptId == attemptId) is { } entry && entry.Stop.TrySetResult(StopRequest.Disown);
}
