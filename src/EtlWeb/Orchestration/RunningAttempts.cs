using System.Collections.Concurrent;

namespace EtlWeb.Orchestration;

/// <summary>The attempts whose process runs on this node, so a cancel reaches the executor that owns it.</summary>
public sealed class RunningAttempts
{
    private readonly ConcurrentDictionary<long, TaskCompletionSource> _cancels = new();

    public int Count => _cancels.Count;

    /// <summary>Registers a run's current attempt; the returned task completes when a cancel is asked for.</summary>
    public Task Register(long runId)
    {
        var cancel = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _cancels[runId] = cancel;
        return cancel.Task;
    }

    public void Unregister(long runId) => _cancels.TryRemove(runId, out _);

    /// <summary>Asks the executor running <paramref name="runId"/> here to stop it; false when it does not run here.</summary>
    public bool RequestCancel(long runId)
    {
        if (!_cancels.TryGetValue(runId, out var cancel))
        {
            return false;
        }

        cancel.TrySetResult();
        return true;
    }
}
