using System.ComponentModel;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace EtlWeb.Configuration;

/// <summary>
/// The address EtlWeb's own links start with (the setup link in the log, links in notifications, webhook URLs):
/// <c>EtlWeb:PublicUrl</c> when set, as behind a reverse proxy; else the first address Kestrel listens on,
/// with a wildcard host shown as localhost.
/// </summary>
public sealed class PublicLinks(IOptions<PublicUrlOptions> options, IServer server)
{
    public string BaseAddress
    {
        get
        {
            if (options.Value.PublicUrl is { Length: > 0 } configured)
            {
                return configured.TrimEnd('/');
            }

            var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost";
            return address.Replace("://+", "://localhost", StringComparison.Ordinal)
                .Replace("://*", "://localhost", StringComparison.Ordinal)
                .Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal)
                .Replace("://[::]", "://localhost", StringComparison.Ordinal)
                .TrimEnd('/');
        }
    }

    public string Run(long runId) => $"{BaseAddress}/runs/{runId}";

    public string Job(int jobId) => $"{BaseAddress}/?job={jobId}";

    /// <summary>The address another system POSTs to, to start the job whose webhook token this is.</summary>
    public string Hook(string token) => $"{BaseAddress}/api/hooks/{token}";
}

/// <summary>The <c>EtlWeb:PublicUrl</c> setting; empty means the first address Kestrel listens on.</summary>
public sealed record PublicUrlOptions
{
    [AbsoluteHttpUrl]
    [Description("The address EtlWeb's own links start with (the setup link in the log, links in notifications), e.g. https://etl.example.com behind a reverse proxy; empty means the first address EtlWeb listens on.")]
    public string PublicUrl { get; init; } = "";
}
