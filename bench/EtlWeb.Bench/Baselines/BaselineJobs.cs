using System.Collections.Concurrent;
using System.Diagnostics;
using Hangfire;

namespace EtlWeb.Bench.Baselines;

/// <summary>The methods plain Hangfire runs in the baselines: empty but for noting when they ran.</summary>
public static class BaselineJobs
{
    private static readonly ConcurrentDictionary<int, TaskCompletionSource<long>> Waiting = new();
    private static TaskCompletionSource<long> _allDone = new();
    private static int _remaining;
    private static long _firstCounted;

    /// <summary>The Stopwatch timestamp at which the first counted job of the current count ran.</summary>
    public static long FirstCountedAt => Volatile.Read(ref _firstCounted);

    /// <summary>Completes with the Stopwatch timestamp at which the job for <paramref name="token"/> starts.</summary>
    public static Task<long> Expect(int token) =>
        Waiting.GetOrAdd(token, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Completes with the Stopwatch timestamp at which the last of <paramref name="count"/> counted jobs ran.</summary>
    public static Task<long> ExpectCount(int count)
    {
        _allDone = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _remaining, count);
        Volatile.Write(ref _firstCounted, 0);
        return _allDone.Task;
    }

    [AutomaticRetry(Attempts = 0)]
    public static void Started(int token)
    {
        var now = Stopwatch.GetTimestamp();
        if (Waiting.TryRemove(token, out var started))
        {
            started.TrySetResult(now);
        }
    }

    [AutomaticRetry(Attempts = 0)]
    public static void Counted()
    {
        Interlocked.CompareExchange(ref _firstCounted, Stopwatch.GetTimestamp(), 0);
        if (Interlocked.Decrement(ref _remaining) == 0)
        {
            _allDone.TrySetResult(Stopwatch.GetTimestamp());
        }
    }
}
