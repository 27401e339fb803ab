using System.Collections.Immutable;

namespace EtlWeb.Realtime;

/// <summary>
/// The subscribers of one in-process feed. Publishing calls each on the publisher's thread without taking a lock
/// (the list is immutable and swapped under one), so a subscriber must only hand the value on.
/// </summary>
public sealed class Subscribers<T>
{
    private readonly Lock _gate = new();
    private ImmutableList<Action<T>> _list = [];

    /// <summary>Adds a subscriber until the returned handle is disposed.</summary>
    public IDisposable Add(Action<T> subscriber)
    {
        lock (_gate)
        {
            _list = _list.Add(subscriber);
        }

        return new Subscription(() =>
        {
            lock (_gate)
            {
                _list = _list.Remove(subscriber);
            }
        });
    }

    public void Publish(T value)
    {
        foreach (var subscriber in _list)
        {
            subscriber(value);
        }
    }
}

/// <summary>Ends a subscription once, however often and from whichever threads it is disposed.</summary>
public sealed class Subscription(Action end) : IDisposable
{
    private int _ended;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            end();
        }
    }
}
