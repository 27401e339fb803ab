using EtlWeb.Core.Runs;
using EtlWeb.Realtime;
using EtlWeb.Security;

namespace EtlWeb.Tests.Security;

/// <summary>Who a live callback acts as: the subscriber, never the publisher (EtlWeb's engine or another user).</summary>
public sealed class ActorContextTests
{
    private static readonly CurrentActor Actors = new();

    [Fact]
    public void A_run_change_the_engine_publishes_reaches_each_page_as_the_user_viewing_it()
    {
        var broadcaster = new RunBroadcaster();
        var seen = new List<(string Subscriber, Actor? Actor)>();
        IDisposable viewer;
        IDisposable admin;
        using (Actors.Enter(new Actor("vera", EtlRoles.Viewer, null)))
        {
            viewer = broadcaster.SubscribeRuns(_ => seen.Add(("vera", Actors.Value)));
        }

        using (Actors.Enter(new Actor("ada", EtlRoles.Admin, null)))
        {
            admin = broadcaster.SubscribeRuns(_ => seen.Add(("ada", Actors.Value)));
        }

        using (CurrentActor.AsSystem())
        {
            broadcaster.Publish(new RunChanged(1, 1, RunStatus.Succeeded, null, 1));
        }

        Assert.Equal([("vera", EtlRoles.Viewer), ("ada", EtlRoles.Admin)], seen.Select(s => (s.Subscriber, s.Actor?.Role)));
        Assert.Equal(["vera", "ada"], seen.Select(s => s.Actor!.Name));
        viewer.Dispose();
        admin.Dispose();
    }

    [Fact]
    public void A_subscriber_that_had_no_actor_gets_none_rather_than_the_publishers()
    {
        var broadcaster = new RunBroadcaster();
        Actor? seen = Actor.System;
        using var subscription = Subscribe(broadcaster, lines => seen = Actors.Value);

        using (Actors.Enter(new Actor("ada", EtlRoles.Admin, null)))
        {
            broadcaster.PublishLog(7, [new LogLine(0, DateTimeOffset.UnixEpoch, LogStream.Stdout, "x")]);
        }

        Assert.Null(seen);
        Assert.Throws<AccessDeniedException>(() => Actors.Demand(EtlRoles.Viewer, "read"));
    }

    private static IDisposable Subscribe(RunBroadcaster broadcaster, Action<IReadOnlyList<LogLine>> callback)
    {
        using (CurrentActor.AsNobody())
        {
            return broadcaster.SubscribeLog(7, callback);
        }
    }
}
