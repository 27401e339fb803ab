using System.Collections.Immutable;

namespace EtlWeb.Features.Jobs;

/// <summary>
/// In-process notification that a job was created, edited, enabled, disabled or deleted. The scheduler
/// and the open pages subscribe; a subscription ends when its handle is disposed.
/// </summary>
public sealed class JobChangeFeed
{
    private readonly Lock _gate = new();
    private ImmutableList<Action<int>> _subscribers = [];

    public IDisposable Subscribe(Action<int> onChanged)
    {
        lock (_gate)
        {
            _subscribers = _subscribers.Add(onChanged);
        }

        return new Subscription(this, onChanged);
    }

    public void Publish(int jobId)
    {
        foreach (var subscriber in _subscribers)
        {
            subscriber(jobId);
        }
    }

    private void Unsubscribe(Action<int> onChanged)
    {
        lock (_gate)
        {
            _subscribers = _subscribers.Remove(onChanged);
        }
    }

    private sealed class Subscription(JobChangeFeed feed, Action<int> onChanged) : IDisposable
    {
        public void Dispose() => feed.Unsubscribe(onChanged);
    }
}
