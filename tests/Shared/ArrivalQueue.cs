using System.Collections;
using System.Collections.Concurrent;

namespace EtlWeb.Testing;

/// <summary>
/// What a loopback listener received, in order, and a wait that wakes on each arrival instead of polling: a test
/// waits for the Nth item until its deadline, and fails with how many came.
/// </summary>
public sealed class ArrivalQueue<T> : IReadOnlyCollection<T>
{
    private readonly ConcurrentQueue<T> _items = new();
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Count => _items.Count;

    public void Add(T item)
    {
        _items.Enqueue(item);
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>Waits until <paramref name="count"/> items have arrived; returns them all.</summary>
    public async Task<IReadOnlyList<T>> WaitForAsync(int count, TimeSpan timeout, string what)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            // Read before counting, so an arrival between the count and the wait still wakes it.
            var next = Volatile.Read(ref _next).Task;
            if (_items.Count >= count)
            {
                return [.. _items];
            }

            try
            {
                await next.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Expected {count} {what}; {_items.Count} arrived.");
            }
        }
    }

    public IEnumerator<T> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
