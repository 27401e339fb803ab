
namespace EtlWeb.Realtime;

/// <summary>
/// In-process notification that a job was created, edited, enabled, disabled or deleted. The scheduler
/// and the open pages subscribe; a subscription ends when its handle is disposed.
/// </summary>
public sealed class JobChangeFeed
{
    private readonly Subscribers<int> _subscribers = new();
    private readonly Subscribers<int> _localSubscribers = new();

    public IDisposable Subscribe(Action<int> onChanged) => _subscribers.Add(onChanged);

    /// <summary>How many job changes were heard so far, from this node and its peers.</summary>
    public long Changes => _subscribers.Published;

    /// <summary>Hears only the changes made on this node (the cluster bus passes them to the others).</summary>
    public IDisposable SubscribeLocal(Action<int> onChanged) => _localSubscribers.Add(onChanged);

    /// <summary>A change made on this node.</summary>
    public void Publish(int jobId)
    {
        _subscribers.Publish(jobId);
        _localSubscribers.Publish(jobId);
    }

    /// <summary>A change another node made, heard through the cluster bus.</summary>
    public void PublishFromPeer(int jobId) => _subscribers.Publish(jobId);
}
