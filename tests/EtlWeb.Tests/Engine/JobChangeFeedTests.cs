using EtlWeb.Realtime;

namespace EtlWeb.Tests.Engine;

public sealed class JobChangeFeedTests
{
    [Fact]
    public void Jobs_changed_together_are_heard_one_by_one_and_as_one_batch()
    {
        var feed = new JobChangeFeed();
        var each = new List<int>();
        var local = new List<int>();
        var batches = new List<IReadOnlyList<int>>();
        using var a = feed.Subscribe(each.Add);
        using var b = feed.SubscribeLocal(local.Add);
        using var c = feed.SubscribeBatches(batches.Add);

        feed.PublishAll([1, 2, 3]);
        feed.Publish(4);
        feed.PublishFromPeer(5);
        feed.PublishAll([]);

        Assert.Equal([1, 2, 3, 4, 5], each);
        Assert.Equal([1, 2, 3, 4], local);
        Assert.Equal([[1, 2, 3], [4], [5]], batches.Select(batch => batch.ToArray()));
        Assert.Equal(5, feed.Changes);
    }
}
