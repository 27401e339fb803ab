using System.Globalization;
using System.Net;
using EtlWeb.Configuration;
using Microsoft.Extensions.Options;

namespace EtlWeb.Features.Security;

/// <summary>What became of one failed sign-in: whether that address is now locked out of that account, and the audit row to write, if any.</summary>
/// <param name="AuditDetails">Null when the failure is only counted: past the per-address cap of a window.</param>
public sealed record SignInFailure(bool LockedOut, string? AuditDetails);

/// <summary>
/// Failed sign-ins, counted per client address and account. Wrong passwords from one address lock that account for that
/// address only, so a flood from anywhere cannot lock the owner out; the per-address rate limit (429) comes first. Each
/// address gets at most <see cref="AuthOptions.MaxFailedSignIns"/> audit rows per lockout window, then one row saying
/// further failures are only counted, and the count in one row when the next window begins. Kept in memory: a restart
/// forgets it, and each web node counts its own.
/// </summary>
public sealed class SignInGuard(TimeProvider time, IOptions<AuthOptions> options)
{
    /// <summary>A flood of made-up names from many addresses must not grow this without end.</summary>
    private const int MaxTracked = 50_000;

    private readonly Lock _gate = new();
    private readonly Dictionary<(string Address, string User), Pair> _pairs = [];
    private readonly Dictionary<string, AddressAudit> _audits = [];

    private TimeSpan Window => TimeSpan.FromMinutes(options.Value.LockoutMinutes);

    /// <summary>The key for a client: its IPv4 address, or the /64 network of an IPv6 one (a host has a whole /64 to pick from).</summary>
    public static string AddressKey(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    /// <summary>Until when <paramref name="address"/> may not sign in to <paramref name="user"/>; null when it may.</summary>
    public DateTimeOffset? LockedUntil(string address, string user)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            return _pairs.TryGetValue((address, Normalise(user)), out var pair) && pair.LockedUntil > now ? pair.LockedUntil : null;
        }
    }

    public SignInFailure RecordFailure(string address, string user)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            Trim(now);
            var key = (address, Normalise(user));
            if (!_pairs.TryGetValue(key, out var pair) || pair.LastFailure + Window <= now)
            {
                pair = new Pair();
                _pairs[key] = pair;
            }

            pair.LastFailure = now;
            if (pair.LockedUntil > now)
            {
                return new SignInFailure(true, Audit(address, now, $"refused: {Locked(pair.LockedUntil.Value)}"));
            }

            pair.Failures++;
            var lockedOut = pair.Failures >= options.Value.MaxFailedSignIns;
            if (lockedOut)
            {
                pair.LockedUntil = now + Window;
            }

            return new SignInFailure(lockedOut, Audit(address, now, lockedOut
                ? $"wrong user name or password; {pair.Failures} in a row, {Locked(pair.LockedUntil!.Value)}"
                : "wrong user name or password"));
        }
    }

    public void RecordSuccess(string address, string user)
    {
        lock (_gate)
        {
            _pairs.Remove((address, Normalise(user)));
        }
    }

    /// <summary>The addresses <paramref name="user"/> is locked for now, and until when.</summary>
    public IReadOnlyList<(string Address, DateTimeOffset Until)> LocksOf(string user)
    {
        var now = time.GetUtcNow();
        var name = Normalise(user);
        lock (_gate)
        {
            return [.. _pairs.Where(p => p.Key.User == name && p.Value.LockedUntil > now).Select(p => (p.Key.Address, p.Value.LockedUntil!.Value))];
        }
    }

    /// <summary>Failed sign-ins to <paramref name="user"/> in the current windows, over all addresses.</summary>
    public int FailuresOf(string user)
    {
        var now = time.GetUtcNow();
        var name = Normalise(user);
        lock (_gate)
        {
            return _pairs.Where(p => p.Key.User == name && p.Value.LastFailure + Window > now).Sum(p => p.Value.Failures);
        }
    }

    /// <summary>An Admin's unlock: every address may try again.</summary>
    public void Unlock(string user)
    {
        var name = Normalise(user);
        lock (_gate)
        {
            foreach (var key in _pairs.Keys.Where(k => k.User == name).ToList())
            {
                _pairs.Remove(key);
            }
        }
    }

    private string? Audit(string address, DateTimeOffset now, string details)
    {
        if (!_audits.TryGetValue(address, out var audit) || audit.WindowStart + Window <= now)
        {
            var previous = audit;
            audit = new AddressAudit { WindowStart = now };
            _audits[address] = audit;
            if (previous is { Unrecorded: > 0 })
            {
                details += $" (and {previous.Unrecorded} earlier failed sign-in(s) from this address between {Clock(previous.CapReachedAt)} and {Clock(previous.WindowStart + Window)} UTC, counted but not recorded one by one)";
            }
        }

        audit.Recorded++;
        var cap = options.Value.MaxFailedSignIns;
        if (audit.Recorded <= cap)
        {
            return details;
        }

        if (audit.Recorded == cap + 1)
        {
            audit.CapReachedAt = now;
            return $"{details}; more failed sign-ins from this address until {Clock(audit.WindowStart + Window)} UTC are counted, not recorded one by one";
        }

        audit.Unrecorded++;
        return null;
    }

    /// <summary>Forgets what no longer matters once the map is large.</summary>
    private void Trim(DateTimeOffset now)
    {
        if (_pairs.Count + _audits.Count < MaxTracked)
        {
            return;
        }

        foreach (var key in _pairs.Where(p => p.Value.LastFailure + Window <= now && !(p.Value.LockedUntil > now)).Select(p => p.Key).ToList())
        {
            _pairs.Remove(key);
        }

        foreach (var key in _audits.Where(a => a.Value.WindowStart + Window <= now && a.Value.Unrecorded == 0).Select(a => a.Key).ToList())
        {
            _audits.Remove(key);
        }

        // Still too many within one window: the oldest go first, as a restart would have forgotten them anyway.
        foreach (var key in _pairs.OrderBy(p => p.Value.LastFailure).Take(Math.Max(0, _pairs.Count - (MaxTracked / 2))).Select(p => p.Key).ToList())
        {
            _pairs.Remove(key);
        }
    }

    private static string Locked(DateTimeOffset until) => $"locked for this address until {Clock(until)} UTC";

    private static string Clock(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Normalise(string user) => user.Trim().ToUpperInvariant();

    private sealed class Pair
    {
        public int Failures { get; set; }

        public DateTimeOffset LastFailure { get; set; }

        public DateTimeOffset? LockedUntil { get; set; }
    }

    private sealed class AddressAudit
    {
        public DateTimeOffset WindowStart { get; init; }

        public DateTimeOffset CapReachedAt { get; set; }

        public int Recorded { get; set; }

        public int Unrecorded { get; set; }
    }
}
