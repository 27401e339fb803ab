using System.ComponentModel;
using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace EtlWeb.Configuration;

/// <summary>A TLS reverse proxy in front of EtlWeb: the <c>EtlWeb:TrustedProxies</c> setting.</summary>
public sealed record ProxyOptions
{
    public const string Section = EtlWebOptions.Section;

    [AddressList]
    [Description("Reverse proxies whose X-Forwarded-For and X-Forwarded-Proto headers are believed: IP addresses or networks separated by ','. Then a request that reached the proxy over HTTPS counts as HTTPS (Secure cookies, HSTS) and the audit log records the client's address. Empty: the headers are ignored.")]
    public string TrustedProxies { get; init; } = "";

    internal static IEnumerable<string> Split(string list) =>
        list.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Forwarded headers from the configured proxies only; no proxy configured means none at all.</summary>
    internal ForwardedHeadersOptions? ToForwardedHeaders()
    {
        var entries = Split(TrustedProxies).ToList();
        if (entries.Count == 0)
        {
            return null;
        }

        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var entry in entries)
        {
            if (IPAddress.TryParse(entry, out var address))
            {
                options.KnownProxies.Add(address);
            }
            else
            {
                options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(entry));
            }
        }

        return options;
    }
}
