using System.Net;
using EtlWeb.Orchestration;
using EtlWeb.Security;
using EtlWeb.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EtlWeb.Tests.Security;

/// <summary>
/// Every mapped endpoint and page, called as nobody, a Viewer, an Operator and an Admin, answers as this matrix says:
/// refused below its least role, let through from it on. A route the matrix does not name fails, so a new route
/// cannot ship without a decision.
/// </summary>
public sealed class RouteMatrixTests() : HostTest(new EtlWebFactory { ConfigureServices = KeepRunning })
{
    private const string Anyone = "anyone";

    /// <summary>The least role each route needs ("METHOD /pattern"); <see cref="Anyone"/>: no sign-in.</summary>
    private static readonly Dictionary<string, string> Matrix = new(StringComparer.Ordinal)
    {
        // Pages.
        ["GET /"] = EtlRoles.Viewer,
        ["GET /dashboard"] = EtlRoles.Viewer,
        ["GET /designer"] = EtlRoles.Viewer,
        ["GET /runs"] = EtlRoles.Viewer,
        ["GET /runs/{RunId:long}"] = EtlRoles.Viewer,
        ["GET /backfills/{BackfillId:long}"] = EtlRoles.Viewer,
        ["GET /nodes"] = EtlRoles.Viewer,
        ["GET /connections"] = EtlRoles.Operator,
        ["GET /calendars"] = EtlRoles.Viewer,
        ["GET /settings"] = EtlRoles.Viewer,
        ["GET /account/password"] = EtlRoles.Viewer,
        ["GET /account/tokens"] = EtlRoles.Viewer,
        ["GET /account/denied"] = EtlRoles.Viewer,
        ["GET /admin/users"] = EtlRoles.Admin,
        ["GET /admin/audit"] = EtlRoles.Admin,
        ["GET /account/login"] = Anyone,
        ["GET /account/setup"] = Anyone,

        // Forms of the server-rendered pages.
        ["POST /"] = EtlRoles.Viewer,
        ["POST /dashboard"] = EtlRoles.Viewer,
        ["POST /designer"] = EtlRoles.Viewer,
        ["POST /runs"] = EtlRoles.Viewer,
        ["POST /runs/{RunId:long}"] = EtlRoles.Viewer,
        ["POST /backfills/{BackfillId:long}"] = EtlRoles.Viewer,
        ["POST /nodes"] = EtlRoles.Viewer,
        ["POST /connections"] = EtlRoles.Operator,
        ["POST /calendars"] = EtlRoles.Viewer,
        ["POST /settings"] = EtlRoles.Viewer,
        ["POST /account/password"] = EtlRoles.Viewer,
        ["POST /account/tokens"] = EtlRoles.Viewer,
        ["POST /account/denied"] = EtlRoles.Viewer,
        ["POST /admin/users"] = EtlRoles.Admin,
        ["POST /admin/audit"] = EtlRoles.Admin,
        ["POST /account/login"] = Anyone,
        ["POST /account/setup"] = Anyone,
        ["POST /account/logout"] = EtlRoles.Viewer,

        // The API.
        ["GET /api/jobs/"] = EtlRoles.Viewer,
        ["POST /api/jobs/"] = EtlRoles.Admin,
        ["GET /api/jobs/{id:int}"] = EtlRoles.Viewer,
        ["PUT /api/jobs/{id:int}"] = EtlRoles.Admin,
        ["DELETE /api/jobs/{id:int}"] = EtlRoles.Admin,
        ["POST /api/jobs/{id:int}/enable"] = EtlRoles.Admin,
        ["POST /api/jobs/{id:int}/disable"] = EtlRoles.Admin,
        ["POST /api/jobs/{id:int}/run"] = EtlRoles.Operator,
        ["POST /api/jobs/{id:int}/pause"] = EtlRoles.Operator,
        ["POST /api/jobs/{id:int}/resume"] = EtlRoles.Operator,
        ["POST /api/jobs/{id:int}/skip-next"] = EtlRoles.Operator,
        ["GET /api/jobs/{id:int}/environment"] = EtlRoles.Viewer,
        ["GET /api/jobs/{id:int}/revisions"] = EtlRoles.Viewer,
        ["GET /api/jobs/{id:int}/revisions/{n:int}"] = EtlRoles.Viewer,
        ["POST /api/jobs/{id:int}/revisions/{n:int}/restore"] = EtlRoles.Admin,
        ["GET /api/jobs/{id:int}/fires"] = EtlRoles.Viewer,
        ["POST /api/jobs/{id:int}/webhook"] = EtlRoles.Operator,
        ["DELETE /api/jobs/{id:int}/webhook"] = EtlRoles.Operator,
        ["POST /api/hooks/{token}"] = Anyone,
        ["GET /api/runs/"] = EtlRoles.Viewer,
        ["GET /api/runs/{id:long}"] = EtlRoles.Viewer,
        ["GET /api/runs/{id:long}/log"] = EtlRoles.Viewer,
        ["GET /api/runs/{id:long}/compare/{other:long}"] = EtlRoles.Viewer,
        ["POST /api/runs/{id:long}/rerun"] = EtlRoles.Operator,
        ["POST /api/runs/{id:long}/cancel"] = EtlRoles.Operator,
        ["POST /api/jobs/{id:int}/backfills"] = EtlRoles.Operator,
        ["GET /api/jobs/{id:int}/backfills"] = EtlRoles.Viewer,
        ["GET /api/backfills/{id:long}"] = EtlRoles.Viewer,
        ["POST /api/backfills/{id:long}/cancel"] = EtlRoles.Operator,
        ["GET /api/export"] = EtlRoles.Viewer,
        ["POST /api/import"] = EtlRoles.Admin,
        ["POST /api/import/desktop-database"] = EtlRoles.Admin,
        ["GET /api/connections/"] = EtlRoles.Operator,
        ["POST /api/connections/"] = EtlRoles.Admin,
        ["PUT /api/connections/{name}"] = EtlRoles.Admin,
        ["DELETE /api/connections/{name}"] = EtlRoles.Admin,
        ["POST /api/connections/{name}/test"] = EtlRoles.Operator,
        ["POST /api/backup"] = EtlRoles.Admin,
        ["POST /api/restart"] = EtlRoles.Admin,
        ["GET /api/users/"] = EtlRoles.Admin,
        ["POST /api/users/"] = EtlRoles.Admin,
        ["PUT /api/users/{name}/grants"] = EtlRoles.Admin,
        ["GET /api/nodes"] = EtlRoles.Viewer,
        ["GET /api/pools/"] = EtlRoles.Viewer,
        ["POST /api/pools/"] = EtlRoles.Admin,
        ["PUT /api/pools/{name}"] = EtlRoles.Admin,
        ["DELETE /api/pools/{name}"] = EtlRoles.Admin,
        ["GET /api/templates/"] = EtlRoles.Viewer,
        ["POST /api/templates/"] = EtlRoles.Admin,
        ["GET /api/templates/{name}"] = EtlRoles.Viewer,
        ["DELETE /api/templates/{name}"] = EtlRoles.Admin,
        ["POST /api/templates/{name}/instantiate"] = EtlRoles.Admin,
        ["GET /api/calendars/"] = EtlRoles.Viewer,
        ["GET /api/calendars/{name}"] = EtlRoles.Viewer,
        ["POST /api/calendars/"] = EtlRoles.Admin,
        ["PUT /api/calendars/{name}"] = EtlRoles.Admin,
        ["DELETE /api/calendars/{name}"] = EtlRoles.Admin,
        ["POST /api/calendars/{name}/ics"] = EtlRoles.Admin,
        ["GET /openapi/{documentName}.json"] = EtlRoles.Viewer,
        ["GET /api/docs/{documentName?}"] = EtlRoles.Viewer,

        // The live connection (SignalR's own protocol), Blazor's redirect helper and files served from the build output.
        ["GET /_blazor"] = EtlRoles.Viewer,
        ["GET /_blazor/negotiate"] = EtlRoles.Viewer,
        ["GET /_blazor/disconnect/"] = EtlRoles.Viewer,
        ["GET /_blazor/initializers/"] = EtlRoles.Viewer,
        ["GET /_framework/opaque-redirect"] = EtlRoles.Viewer,
        ["GET /{**path:file}"] = EtlRoles.Viewer,
        ["HEAD /{**path:file}"] = EtlRoles.Viewer,

        // Operations.
        ["GET /health"] = Anyone,

        // No sign-in, but its own guard: this machine only, or the metrics token (MetricsGuardTests); the matrix's
        // clients come from no address, as a local Unix socket would.
        ["GET /metrics"] = Anyone,
        ["GET /hangfire/{**path}"] = EtlRoles.Admin,
    };

    private static readonly string[] Principals = [Anyone, EtlRoles.Viewer, EtlRoles.Operator, EtlRoles.Admin];

    /// <summary>The Admin's call of POST /api/restart is let through; the host under test must not stop for it.</summary>
    private static void KeepRunning(IServiceCollection services) =>
        services.AddSingleton(provider => new NodeRestart(
            new UnstoppableLifetime(), provider.GetRequiredService<AuditLog>(), provider.GetRequiredService<ILogger<NodeRestart>>()));

    private sealed class UnstoppableLifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
    }

    [Fact]
    public async Task Every_route_answers_each_role_as_the_matrix_declares_and_no_route_lacks_a_decision()
    {
        var routes = await RoutesAsync();
        var undecided = routes.Keys.Where(r => !Matrix.ContainsKey(r)).Order(StringComparer.Ordinal).ToList();
        var stale = Matrix.Keys.Where(r => !routes.ContainsKey(r)).Order(StringComparer.Ordinal).ToList();
        Assert.True(undecided.Count == 0, "Routes without a decision in the matrix:\n" + string.Join('\n', undecided));
        Assert.True(stale.Count == 0, "Matrix entries that no endpoint maps:\n" + string.Join('\n', stale));

        var clients = new Dictionary<string, HttpClient> { [Anyone] = Factory.AnonymousClient() };
        foreach (var role in EtlRoles.All)
        {
            clients[role] = await Factory.ClientForNewUserAsync(Client, role.ToLowerInvariant(), role);
        }

        var wrong = new List<string>();
        foreach (var principal in Principals)
        {
            foreach (var (route, url) in routes.OrderBy(r => r.Key, StringComparer.Ordinal))
            {
                var minimum = Matrix[route];
                var expected = minimum == Anyone || (principal != Anyone && EtlRoles.Allows(principal, minimum)) ? "let through" : "refused";
                var (refused, answer) = await SendAsync(clients[principal], route.Split(' ')[0], url);
                if ((refused ? "refused" : "let through") != expected)
                {
                    wrong.Add($"{principal}: {route} ({url}) {expected} expected, got {answer}");
                }
            }
        }

        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
        Assert.True(routes.Count >= 55, $"Only {routes.Count} routes were found: the enumeration misses endpoints.");
    }

    /// <summary>Every route endpoint but the static files, by "METHOD /pattern", with a concrete address to call it at.</summary>
    private async Task<Dictionary<string, string>> RoutesAsync()
    {
        var routes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var endpoint in (await MappedRoutes.EndpointsAsync(Factory, Client)).Where(e => !MappedRoutes.IsStaticFile(e)))
        {
            foreach (var method in MappedRoutes.MethodsOf(endpoint))
            {
                routes[$"{method} {MappedRoutes.RouteOf(endpoint)}"] = MappedRoutes.UrlOf(endpoint.RoutePattern);
            }
        }

        return routes;
    }

    /// <summary>Whether the request was refused (401, 403, or a redirect to sign in or to "access denied"), and what came back.</summary>
    private static async Task<(bool Refused, string Answer)> SendAsync(HttpClient client, string method, string url)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(url, UriKind.Relative));
        if (method is "POST" or "PUT")
        {
            request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);
        var location = response.Headers.Location is { } to ? (to.IsAbsoluteUri ? to.AbsolutePath : to.OriginalString.Split('?')[0]) : null;
        var refused = response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
            || (response.StatusCode == HttpStatusCode.Redirect && location is "/account/login" or "/account/denied");
        return (refused, $"{(int)response.StatusCode} {location}".TrimEnd());
    }
}
