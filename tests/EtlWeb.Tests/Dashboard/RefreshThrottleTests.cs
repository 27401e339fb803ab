using EtlWeb.Features.Dashboard;
using Microsoft.Extensions.Time.Testing;

namespace EtlWeb.Tests.Dashboard;

public sealed class RefreshThrottleTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private int _refreshes;

    private RefreshThrottle Throttle() => new(_clock, TimeSpan.FromSeconds(1), () =>
    {
        _refreshes++;
        return Task.CompletedTask;
    });

    [Fact]
    public void A_burst_of_changes_refreshes_at_once_and_once_more_a_second_later()
    {
        using var throttle = Throttle();

        for (var i = 0; i < 50; i++)
        {
            throttle.Request();
        }

        var atOnce = _refreshes;
        _clock.Advance(TimeSpan.FromSeconds(1));
        var aSecondLater = _refreshes;
        _clock.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(1, atOnce);
        Assert.Equal(2, aSecondLater);
        Assert.Equal(2, _refreshes);
    }

    [Fact]
    public void A_change_right_after_a_refresh_waits_out_the_second()
    {
        using var throttle = Throttle();
        throttle.Request();

        _clock.Advance(TimeSpan.FromMilliseconds(300));
        throttle.Request();
        throttle.Request();
        _clock.Advance(TimeSpan.FromMilliseconds(600));
        var beforeTheSecond = _refreshes;
        _clock.Advance(TimeSpan.FromMilliseconds(100));

        Assert.Equal(1, beforeTheSecond);
        Assert.Equal(2, _refreshes);
    }

    [Fact]
    public void A_change_waiting_out_the_second_is_dropped_on_dispose()
    {
        var throttle = Throttle();
        throttle.Request();
        _clock.Advance(TimeSpan.FromMilliseconds(100));
        throttle.Request();

        throttle.Dispose();
        _clock.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(1, _refreshes);
    }
}
