using System.Net;
using EtlWeb.Configuration;
using Microsoft.AspNetCore.HostFiltering;

namespace EtlWeb.Features.Security;

/// <summary>
/// Guards against a page on another site reaching a loopback EtlWeb through the user's browser: DNS rebinding (a
/// hostile name that resolves to 127.0.0.1, so the browser treats EtlWeb as that site) and a cross-site live connection.
/// </summary>
internal static class TransportGuards
{
    /// <summary>
    /// When every address EtlWeb listens on is loopback (the default) and AllowedHosts is left at "*", a request must
    /// name a loopback host (localhost, 127.0.0.1, [::1]) or the host of EtlWeb:PublicUrl; others get 400.
    /// </summary>
    public static IServiceCollection AddLoopbackHostCheck(this IServiceCollection services, IConfiguration configuration)
    {
        var urls = configuration["Urls"] ?? "";
        var publicUrl = configuration[$"{EtlWebOptions.Section}:PublicUrl"];
        services.PostConfigure<HostFilteringOptions>(options =>
        {
            if (options.AllowedHosts.Any(h => h != "*") || !ListensOnLoopbackOnly(urls) || configuration.GetSection("Kestrel:Endpoints").Exists())
            {
                return;
            }

            options.AllowedHosts = ["localhost", "127.0.0.1", "[::1]", .. Uri.TryCreate(publicUrl, UriKind.Absolute, out var url) ? [url.Host] : Array.Empty<string>()];
        });
        return services;
    }

    internal static bool ListensOnLoopbackOnly(string urls)
    {
        var hosts = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(u => Uri.TryCreate(u.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri) ? uri.Host : "")
            .ToList();
        return hosts.Count > 0 && hosts.All(h => h == "localhost" || (IPAddress.TryParse(h.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address)));
    }

    /// <summary>
    /// The live connection (/_blazor) accepts only pages of EtlWeb itself: a browser's Origin must be this request's own
    /// scheme and host, or EtlWeb:PublicUrl's. Clients that send no Origin are not browsers running another site's script.
    /// </summary>
    public static IApplicationBuilder UseSameOriginCircuit(this IApplicationBuilder app, IConfiguration configuration)
    {
        var publicOrigin = Uri.TryCreate(configuration[$"{EtlWebOptions.Section}:PublicUrl"], UriKind.Absolute, out var url)
            ? url.GetLeftPart(UriPartial.Authority)
            : null;
        return app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/_blazor") && context.Request.Headers.Origin is { Count: > 0 } origin)
            {
                var own = $"{context.Request.Scheme}://{context.Request.Host}";
                var given = origin.ToString();
                if (!string.Equals(given, own, StringComparison.OrdinalIgnoreCase) && !string.Equals(given, publicOrigin, StringComparison.OrdinalIgnoreCase))
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    await context.Response.WriteAsync("The live connection is for EtlWeb's own pages only.");
                    return;
                }
            }

            await next(context);
        });
    }
}
