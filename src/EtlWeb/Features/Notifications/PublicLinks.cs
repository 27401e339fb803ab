using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace EtlWeb.Features.Notifications;

/// <summary>Links in notifications: <c>EtlWeb:PublicUrl</c> when set, else the first address Kestrel listens on.</summary>
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
}
