using EtlWeb.Features.Notifications;

namespace EtlWeb.Tests.Notifications;

/// <summary>When the alert watch may sleep: never while attempts are active or on a cluster, else until a watched fire could be missed.</summary>
public sealed class AlertQuietTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(10);

    public static TheoryData<bool, bool, int?, int?> Cases => new()
    {
        // active, cluster, next watched fire (minutes from now), expected quiet (minutes; null: without end)
        { true, false, 60, 0 },
        { false, true, 60, 0 },
        { true, true, null, 0 },
        { false, false, null, null },
        { false, false, 60, 70 },
        { false, false, 0, 10 },
        { false, false, -4, 6 },
        { false, false, -10, 0 },
        { false, false, -30, 0 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Quiet_lasts_until_the_next_watched_fire_plus_the_grace_and_not_at_all_while_attempts_are_active(bool active, bool cluster, int? fireIn, int? expected)
    {
        var fire = fireIn is { } minutes ? Now.AddMinutes(minutes) : (DateTimeOffset?)null;

        var quiet = AlertRules.QuietFor(active, cluster, Now, fire, Grace);

        Assert.Equal(expected is { } e ? TimeSpan.FromMinutes(e) : Timeout.InfiniteTimeSpan, quiet);
    }
}
