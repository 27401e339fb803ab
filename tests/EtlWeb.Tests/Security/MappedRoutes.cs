using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace EtlWeb.Tests.Security;

/// <summary>The routes EtlWeb maps, read from its endpoint data source, and concrete addresses to call them at.</summary>
internal static class MappedRoutes
{
    /// <summary>Every route endpoint that matches requests, once the host has started (the Razor component endpoints appear then).</summary>
    public static async Task<IReadOnlyList<RouteEndpoint>> EndpointsAsync(Support.EtlWebFactory factory, HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("/health", UriKind.Relative));
        return [.. factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<ISuppressMatchingMetadata>() is not { SuppressMatching: true })];
    }

    /// <summary>A file MapStaticAssets serves (styles, scripts, icons, fonts, the framework's _framework/ files).</summary>
    public static bool IsStaticFile(RouteEndpoint endpoint) =>
        endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null
        && endpoint.RoutePattern.Parameters.Count == 0
        && Path.HasExtension(endpoint.RoutePattern.RawText);

    public static string RouteOf(RouteEndpoint endpoint) => "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');

    public static IEnumerable<string> MethodsOf(RouteEndpoint endpoint) =>
        endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is { Count: > 0 } methods ? methods : ["GET"];

    /// <summary>A concrete address for the pattern: 1 for a numeric parameter, x.js for a file, x for any other (catch-alls too).</summary>
    public static string UrlOf(RoutePattern pattern) =>
        "/" + string.Join('/', pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternSeparatorPart separator => separator.Content,
            RoutePatternParameterPart parameter => ValueFor(parameter),
            _ => throw new InvalidOperationException($"Unknown route part {part.GetType().Name} in {pattern.RawText}."),
        }))));

    private static string ValueFor(RoutePatternParameterPart parameter) =>
        parameter.ParameterPolicies.Select(p => p.Content).FirstOrDefault(c => c is "int" or "long" or "file") switch
        {
            "int" or "long" => "1",
            "file" => "x.js",
            _ => "x",
        };
}
