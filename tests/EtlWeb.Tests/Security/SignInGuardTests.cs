using System.Net;
using EtlWeb.Configuration;
using EtlWeb.Features.Security;
using Microsoft.Extensions.Time.Testing;

namespace EtlWeb.Tests.Security;

public sealed class SignInGuardTests
{
    private const string Attacker = "203.0.113.7";
    private const string Owner = "198.51.100.20";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero));

    private SignInGuard Guard(int maxFailed = 3, int lockoutMinutes = 15) =>
        new(_time, Microsoft.Extensions.Options.Options.Create(new AuthOptions { MaxFailedSignIns = maxFailed, LockoutMinutes = lockoutMinutes }));

    [Fact]
    public void Wrong_passwords_lock_the_account_for_the_failing_address_only_until_the_window_ends()
    {
        var guard = Guard();
        Assert.False(guard.RecordFailure(Attacker, "ann").LockedOut);
        Assert.False(guard.RecordFailure(Attacker, "ANN ").LockedOut);

        Assert.True(guard.RecordFailure(Attacker, "ann").LockedOut);

        Assert.Equal(_time.GetUtcNow().AddMinutes(15), guard.LockedUntil(Attacker, "ann"));
        Assert.Null(guard.LockedUntil(Owner, "ann"));
        Assert.Null(guard.LockedUntil(Attacker, "bob"));
        _time.Advance(TimeSpan.FromMinutes(15));
        Assert.Null(guard.LockedUntil(Attacker, "ann"));
    }

    [Fact]
    public void Failures_keep_a_locked_address_locked_but_a_success_or_an_admins_unlock_clears_the_count()
    {
        var guard = Guard();
        for (var i = 0; i < 3; i++)
        {
            guard.RecordFailure(Attacker, "ann");
        }

        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.True(guard.RecordFailure(Attacker, "ann").LockedOut);
        Assert.Equal(1, Assert.Single(guard.LocksOf("ann")).Address == Attacker ? 1 : 0);

        guard.Unlock("Ann");
        Assert.Null(guard.LockedUntil(Attacker, "ann"));
        Assert.Equal(0, guard.FailuresOf("ann"));

        guard.RecordFailure(Owner, "ann");
        guard.RecordSuccess(Owner, "ann");
        Assert.Equal(0, guard.FailuresOf("ann"));
    }

    [Fact]
    public void Each_address_gets_a_few_audit_rows_per_window_then_one_saying_the_rest_are_counted_then_the_count()
    {
        var guard = Guard();
        var details = Enumerable.Range(0, 10).Select(i => guard.RecordFailure(Attacker, "user" + i).AuditDetails).ToList();

        Assert.Equal(["wrong user name or password", "wrong user name or password", "wrong user name or password"], details[..3]);
        Assert.Equal("wrong user name or password; more failed sign-ins from this address until 2026-12-06 10:15:00 UTC are counted, not recorded one by one", details[3]);
        Assert.All(details[4..], Assert.Null);
        Assert.Equal("wrong user name or password", guard.RecordFailure(Owner, "ann").AuditDetails);

        _time.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal(
            "wrong user name or password (and 6 earlier failed sign-in(s) from this address between 2026-12-06 10:00:00 and 2026-12-06 10:15:00 UTC, counted but not recorded one by one)",
            guard.RecordFailure(Attacker, "user0").AuditDetails);
    }

    [Theory]
    [InlineData("192.0.2.1", "192.0.2.1")]
    [InlineData("::ffff:192.0.2.1", "192.0.2.1")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    public void An_IPv6_client_is_counted_by_its_64_network(string address, string key) =>
        Assert.Equal(key, SignInGuard.AddressKey(IPAddress.Parse(address)));
}
