
namespace EtlWeb.Realtime;

/// <summary>
/// In-process notification that a job was created, edited, enabled, disabled or deleted. The scheduler
/// and the open pages subscribe; a subscription ends when its handle is disposed.
/// </summary>
public sealed class JobChangeFeed
{
    private readonly Subscribers<int> _subscribers = new();
    private readonly Subscribers<int> _localSubscribers = new();
    private readonly Subscribers<IReadOnlyList<int>> _batchSubscribers = new();

    public IDisposable Subscribe(Action<int> onChanged) => _subscribers.Add(onChanged);

    /// <summary>How many job changes were heard so far, from this node and its peers.</summary>
    public long Changes => _subscribers.Published;

    /// <summary>Hears only the changes made on this node (the cluster bus passes them to the others).</summary>
    public IDisposable SubscribeLocal(Action<int> onChanged) => _localSubscribers.Add(onChanged);

    /// <summary>
    /// Hears the changes in batches: the jobs an import changed together in one call, any other change alone. For work
    /// done once however many jobs changed (the scheduler's re-plan and its decision of the waiting runs).
    /// </summary>
    public IDisposable SubscribeBatches(Action<IReadOnlyList<int>> onChanged) => _batchSubscribers.Add(onChanged);

    /// <summary>A change made on this node.</summary>
    public void Publish(int jobId) => PublishAll([jobId]);

    /// <summary>Changes made together on this node: each job is heard on its own, and the batch once.</summary>
    public void PublishAll(IReadOnlyList<int> jobIds)
    {
        foreach (var jobId in jobIds)
        {
            _subscribers.Publish(jobId);
            _localSubscribers.Publish(jobId);
        }

        if (jobIds.Count > 0)
        {
            _batchSubscribers.Publish(jobIds);
        }
    }

    /// <summary>A change another node made, heard through the cluster bus.</summary>
    public void PublishFromPeer(int jobId)
    {
        _subscribers.Publish(jobId);
        _batchSubscribers.Publish([jobId]);
    }
}
