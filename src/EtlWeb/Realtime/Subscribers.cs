using System.Collections.Immutable;

namespace EtlWeb.Realtime;

/// <summary>
/// The subscribers of one in-process feed. Publishing calls each on the publisher's thread without taking a lock
/// (the list is immutable and swapped under one), so a subscriber must only hand the value on. Each subscriber is
/// called in the execution context it subscribed from, as a timer's callback is: a page refreshes as the user who
/// views it, whoever published (EtlWeb's engine, another user), and never with the publisher's rights.
/// </summary>
public sealed class Subscribers<T>
{
    private readonly Lock _gate = new();
    private ImmutableList<InContext<T>> _list = [];
    private long _published;

    /// <summary>How many values were published so far: a reader that noted it can tell later whether any came since.</summary>
    public long Published => Interlocked.Read(ref _published);

    /// <summary>Adds a subscriber until the returned handle is disposed.</summary>
    public IDisposable Add(Action<T> subscriber)
    {
        var entry = new InContext<T>(subscriber);
        lock (_gate)
        {
            _list = _list.Add(entry);
        }

        return new Subscription(() =>
        {
            lock (_gate)
            {
                _list = _list.Remove(entry);
            }
        });
    }

    public void Publish(T value)
    {
        Interlocked.Increment(ref _published);
        foreach (var subscriber in _list)
        {
            subscriber.Invoke(value);
        }
    }
}

/// <summary>A callback and the execution context it was given in (who the caller was), to be called in that context.</summary>
public sealed class InContext<T>(Action<T> callback)
{
    private readonly ExecutionContext? _context = ExecutionContext.Capture();

    public void Invoke(T value)
    {
        if (_context is null)
        {
            callback(value);
            return;
        }

        ExecutionContext.Run(_context, static state =>
        {
            var (callback, value) = ((Action<T>, T))state!;
            callback(value);
        }, (callback, value));
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
