using EtlWeb.Metrics;
using EtlWeb.Orchestration;
using Microsoft.Extensions.Time.Testing;

namespace EtlWeb.Tests.Engine;

/// <summary>A cancel reaches the executor of a run even when it comes between the attempt's claim and its registration.</summary>
public sealed class RunningAttemptsTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 6, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_cancel_of_a_registered_run_stops_it()
    {
        var running = new RunningAttempts(new EtlMetrics(), _time);
        var stop = running.Register(1, 10);

        Assert.True(running.RequestCancel(1));
        Assert.Equal(StopRequest.Cancel, await stop);
    }

    [Fact]
    public async Task A_cancel_before_the_attempt_registers_stops_it_as_it_registers()
    {
        var running = new RunningAttempts(new EtlMetrics(), _time);

        Assert.False(running.RequestCancel(2));
        _time.Advance(TimeSpan.FromSeconds(1));
        var stop = running.Register(2, 20);

        Assert.True(stop.IsCompleted);
        Assert.Equal(StopRequest.Cancel, await stop);
        running.Unregister(2);
        Assert.False(running.Register(2, 21).IsCompleted);
    }

    [Fact]
    public void A_cancel_for_a_run_that_never_registers_here_is_forgotten_after_ten_minutes()
    {
        var running = new RunningAttempts(new EtlMetrics(), _time);
        Assert.False(running.RequestCancel(3));

        _time.Advance(TimeSpan.FromMinutes(11));
        Assert.False(running.RequestCancel(4));

        Assert.False(running.Register(3, 30).IsCompleted);
        Assert.True(running.Register(4, 40).IsCompleted);
    }

    [Fact]
    public void Another_runs_cancel_does_not_stop_an_attempt()
    {
        var running = new RunningAttempts(new EtlMetrics(), _time);
        Assert.False(running.RequestCancel(5));

        Assert.False(running.Register(6, 60).IsCompleted);
    }
}
