using EtlWeb.Realtime;

namespace EtlWeb.Features.Jobs;

/// <summary>
/// In-process notification that a job was created, edited, enabled, disabled or deleted. The scheduler
/// and the open pages subscribe; a subscription ends when its handle is disposed.
/// </summary>
public sealed class JobChangeFeed
{
    private readonly Subscribers<int> _subscribers = new();

    public IDisposable Subscribe(Action<int> onChanged) => _subscribers.Add(onChanged);

    public void Publish(int jobId) => _subscribers.Publish(jobId);
}
