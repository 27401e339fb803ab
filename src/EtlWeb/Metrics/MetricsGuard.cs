using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace EtlWeb.Metrics;

/// <summary>What the guard of /metrics answers a request.</summary>
public enum MetricsVerdict
{
    Allowed,

    /// <summary>A metrics token is configured and the request did not present it: 401.</summary>
    TokenRequired,

    /// <summary>No token is configured and the client is not on this machine: 403.</summary>
    NotLocal,
}

/// <summary>
/// Who may read /metrics: job names and run counts are not for anyone who can reach the port. A signed-in user who
/// may view EtlWeb (a Viewer's API token, a browser session) always may; otherwise, with <c>EtlWeb:Metrics:Token</c>
/// set, a client presenting it as a bearer token; with none set, a client on this machine only. A request that
/// still carries X-Forwarded-For came through a proxy EtlWeb does not trust (EtlWeb:TrustedProxies consumes the
/// header of a trusted one), so its loopback address is the proxy's, not the client's.
/// </summary>
public static class MetricsGuard
{
    public static MetricsVerdict Decide(string configuredToken, string? authorization, IPAddress? client, bool forwarded, bool viewer)
    {
        if (viewer)
        {
            return MetricsVerdict.Allowed;
        }

        if (configuredToken.Length > 0)
        {
            return BearerOf(authorization) is { } presented && FixedTimeEquals(presented, configuredToken) ? MetricsVerdict.Allowed : MetricsVerdict.TokenRequired;
        }

        // No address: an in-process or Unix socket connection, on this machine by definition.
        return !forwarded && (client is null || IPAddress.IsLoopback(client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client))
            ? MetricsVerdict.Allowed
            : MetricsVerdict.NotLocal;
    }

    private static string? BearerOf(string? authorization) =>
        authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : null;

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(a)), SHA256.HashData(Encoding.UTF8.GetBytes(b)));
}
