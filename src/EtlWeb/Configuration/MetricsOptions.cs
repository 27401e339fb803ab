using System.ComponentModel;

namespace EtlWeb.Configuration;

/// <summary>The <c>EtlWeb:Metrics</c> section: who may read the Prometheus metrics at <c>/metrics</c>.</summary>
public sealed record MetricsOptions
{
    public const string Section = "EtlWeb:Metrics";

    [EmptyOrLongSecret(32)]
    [Description("The token Prometheus sends as 'Authorization: Bearer <token>' to read /metrics (32 characters or more: openssl rand -base64 32). Set, every scraper must send it, on this machine too. Empty: only clients on this machine (loopback, not through a proxy) may read /metrics. A signed-in Viewer's API token is accepted either way on a web node.")]
    public string Token { get; init; } = "";
}
