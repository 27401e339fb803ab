using System.Net;
using EtlWeb.Tests.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using static EtlWeb.Tests.Security.MappedRoutes;

namespace EtlWeb.Tests.Security;

public sealed class EndpointAuthorizationTests : HostTest
{
    /// <summary>
    /// The routes anyone may open without signing in. Everything else the app maps must refuse an anonymous
    /// request: add a route here only with a reason next to it.
    /// </summary>
    private static readonly string[] AnonymousRoutes =
    [
        // Liveness and readiness probes (Docker's health check) have no account; the answer names states, no data.
        "/health",

        // The sign-in form itself.
        "/account/login",

        // The one-time link that creates the first administrator; without a valid token it only says so.
        "/account/setup",

        // A job's webhook: another system calls it without an account, the token in the address is the credential;
        // an unknown token gets the same 404 whatever it is.
        "/api/hooks/{token}",

        // Prometheus scrapes without an account: its own guard (MetricsGuard, tested in MetricsGuardTests) answers
        // loopback only, or the holder of the metrics token; the test server's requests come from this machine.
        "/metrics",
    ];

    /// <summary>Addresses a person or a probe is likely to try, whatever the endpoint enumeration finds.</summary>
    private static readonly (string Method, string Url)[] WellKnown =
    [
        ("GET", "/"),
        ("GET", "/settings"),
        ("POST", "/_blazor/negotiate?negotiateVersion=1"),
        ("GET", "/hangfire"),
        ("GET", "/hangfire/jobs/enqueued"),
        ("GET", "/openapi/v1.json"),
        ("GET", "/api/docs"),
        ("GET", "/api/jobs"),
        ("GET", "/api/users"),
        ("POST", "/account/logout"),
    ];

    [Fact]
    public async Task Every_mapped_endpoint_refuses_an_anonymous_request_unless_it_is_on_the_allow_list()
    {
        var anonymous = Factory.AnonymousClient();
        var refused = 0;
        var failures = new List<string>();
        foreach (var endpoint in await RouteEndpointsAsync())
        {
            if (IsAllowedAnonymous(endpoint))
            {
                continue;
            }

            var url = UrlOf(endpoint.RoutePattern);
            foreach (var method in MethodsOf(endpoint))
            {
                var outcome = await SendAsync(anonymous, method, url);
                if (outcome is null)
                {
                    refused++;
                }
                else
                {
                    failures.Add($"{method} {url} ({endpoint.DisplayName}): {outcome}");
                }
            }
        }

        Assert.True(failures.Count == 0, "Answered an anonymous request:\n" + string.Join('\n', failures));
        // The API, the hub, Hangfire, the OpenAPI document and the pages: far more than a handful.
        Assert.True(refused >= 30, $"Only {refused} endpoint request(s) were checked: the enumeration misses endpoints.");
    }

    [Fact]
    public async Task Only_the_allow_list_and_static_files_carry_AllowAnonymous()
    {
        var unexpected = (await RouteEndpointsAsync())
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null && !IsAllowedAnonymous(e))
            .Select(e => $"{RouteOf(e)} ({e.DisplayName})")
            .ToList();

        Assert.True(unexpected.Count == 0, "Anonymous endpoints not on the allow-list:\n" + string.Join('\n', unexpected));
    }

    [Fact]
    public async Task Every_route_on_the_allow_list_is_mapped_and_answers_without_sign_in()
    {
        var endpoints = await RouteEndpointsAsync();
        var anonymous = Factory.AnonymousClient();

        foreach (var route in AnonymousRoutes)
        {
            var mapped = endpoints.Where(e => RouteOf(e) == route).ToList();
            Assert.True(mapped.Count > 0, $"{route} is on the allow-list but no endpoint maps it: remove it from the list.");
            var methods = mapped.SelectMany(MethodsOf).ToList();
            var method = methods.Contains("GET") ? "GET" : methods[0];
            using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(UrlOf(mapped[0].RoutePattern), UriKind.Relative));
            using var response = await anonymous.SendAsync(request);
            // /health answers 503 while a check is degraded, a webhook 404 for a token it does not know: answers, not refusals.
            Assert.True(
                response.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable || (method == "POST" && response.StatusCode == HttpStatusCode.NotFound),
                $"{method} {route} without sign-in: {(int)response.StatusCode} {response.Headers.Location}");
        }

        Assert.Contains(endpoints, e => IsStaticFile(e) && RouteOf(e) == "/_framework/blazor.web.js");
    }

    [Fact]
    public async Task Well_known_addresses_refuse_an_anonymous_request()
    {
        var endpoints = await RouteEndpointsAsync();
        var anonymous = Factory.AnonymousClient();
        var failures = new List<string>();

        foreach (var (method, url) in WellKnown)
        {
            if (await SendAsync(anonymous, method, url) is { } outcome)
            {
                failures.Add($"{method} {url}: {outcome}");
            }
        }

        Assert.True(failures.Count == 0, "Answered an anonymous request:\n" + string.Join('\n', failures));
        Assert.Contains(endpoints, e => RouteOf(e).StartsWith("/_blazor", StringComparison.Ordinal));
        Assert.Contains(endpoints, e => RouteOf(e).StartsWith("/hangfire", StringComparison.Ordinal));
        Assert.Contains(endpoints, e => RouteOf(e).StartsWith("/openapi", StringComparison.Ordinal));
        Assert.Contains(endpoints, e => RouteOf(e).StartsWith("/api/docs", StringComparison.Ordinal));
    }

    private Task<IReadOnlyList<RouteEndpoint>> RouteEndpointsAsync() => MappedRoutes.EndpointsAsync(Factory, Client);

    /// <summary>Null when the request was refused (401, or a redirect to the sign-in page), else what came back.</summary>
    private static async Task<string?> SendAsync(HttpClient client, string method, string url)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(url, UriKind.Relative));
        if (method is "POST" or "PUT" or "PATCH")
        {
            request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);
        var location = response.Headers.Location;
        var toSignIn = response.StatusCode == HttpStatusCode.Redirect && location is not null
            && (location.IsAbsoluteUri ? location.AbsolutePath : location.OriginalString.Split('?')[0]) == "/account/login";
        return response.StatusCode == HttpStatusCode.Unauthorized || toSignIn ? null : $"{(int)response.StatusCode} {location}";
    }

    private static bool IsAllowedAnonymous(RouteEndpoint endpoint) =>
        AnonymousRoutes.Contains(RouteOf(endpoint)) || IsStaticFile(endpoint);

}
