using EtlWeb.Configuration;
using EtlWeb.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Prometheus;

namespace EtlWeb.Metrics;

public static class MetricsEndpoint
{
    public const string Path = "/metrics";

    public static IServiceCollection AddEtlWebMetrics(this IServiceCollection services)
    {
        services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<EtlMetrics>();
        services.AddSingleton<MetricsScrape>();
        services.AddSingleton<QueueWaits>();
        services.AddHostedService(provider => provider.GetRequiredService<QueueWaits>());
        return services;
    }

    /// <summary>
    /// GET /metrics in Prometheus' text format (OpenMetrics when asked for), behind <see cref="MetricsGuard"/>; on web and
    /// worker nodes alike, since each counts the runs it settles. Not in the OpenAPI document: it is no part of the API.
    /// </summary>
    public static WebApplication MapEtlWebMetrics(this WebApplication app)
    {
        var metrics = app.Services.GetRequiredService<EtlMetrics>();
        // Made now: it hooks itself into the registry's scrape.
        app.Services.GetRequiredService<MetricsScrape>();
        var options = app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value;
        var export = ((IEndpointRouteBuilder)app).CreateApplicationBuilder()
            .UseMiddleware<MetricServerMiddleware>(new MetricServerMiddleware.Settings { Registry = metrics.Registry })
            .Build();
        app.MapGet(Path, async context =>
        {
            var viewer = context.User.Identity?.IsAuthenticated == true
                && (await context.RequestServices.GetRequiredService<IAuthorizationService>().AuthorizeAsync(context.User, EtlPolicies.View)).Succeeded;
            var verdict = MetricsGuard.Decide(
                options.Token, context.Request.Headers.Authorization, context.Connection.RemoteIpAddress, context.Request.Headers.ContainsKey("X-Forwarded-For"), viewer);
            switch (verdict)
            {
                case MetricsVerdict.Allowed:
                    await export(context);
                    break;
                case MetricsVerdict.TokenRequired:
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    context.Response.Headers.WWWAuthenticate = "Bearer realm=\"EtlWeb metrics\"";
                    await context.Response.WriteAsync("Send the metrics token (EtlWeb:Metrics:Token) as 'Authorization: Bearer <token>'.");
                    break;
                default:
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    await context.Response.WriteAsync("Metrics are served to this machine only; set EtlWeb:Metrics:Token to scrape them from elsewhere.");
                    break;
            }
        }).AllowAnonymous().ExcludeFromDescription().WithDisplayName("Prometheus metrics");
        return app;
    }
}
