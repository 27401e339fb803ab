using System.Text.Json.Serialization;
using EtlWeb.Features.Security;
using EtlWeb.Security;
using Hangfire;
using Scalar.AspNetCore;

namespace EtlWeb.Api;

public static class ApiServiceCollectionExtensions
{
    public static IServiceCollection AddEtlWebApi(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddSingleton<Features.Backup.BackupService>();
        services.AddOpenApi(OpenApiConventions.Apply);
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
            o.SerializerOptions.AllowTrailingCommas = true;
        });
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database")
            .AddCheck<HangfireHealthCheck>("hangfire")
            .AddCheck<SchedulerHealthCheck>("scheduler");
        return services;
    }

    public static WebApplication MapEtlWebApi(this WebApplication app)
    {
        app.MapOpenApi().RequireAuthorization(EtlPolicies.View);

        // A reference UI over /openapi/v1.json, served by EtlWeb itself: no CDN, no web fonts from the internet.
        app.MapScalarApiReference("/api/docs", options => options.WithTitle("EtlWeb API").DisableDefaultFonts())
            .RequireAuthorization(EtlPolicies.View);
        app.UseMiddleware<StrictBodies>();
        var api = app.MapGroup("/api").RequireAuthorization(EtlPolicies.View).WithMetadata(StrictBody.Instance);

        // A route lets in whoever holds its role in some folder; the service refuses the job of a folder where they do not.
        api.AddEndpointFilter(async (context, next) =>
        {
            try
            {
                return await next(context);
            }
            catch (AccessDeniedException denied)
            {
                return Results.Problem(denied.Message, statusCode: StatusCodes.Status403Forbidden);
            }
        });
        api.MapJobsApi();
        api.MapImportExportApi();
        api.MapRunsApi();
        api.MapBackfillsApi();
        api.MapWebhooksApi();
        api.MapScheduleApi();
        api.MapHistoryApi();
        api.MapBackupApi();
        api.MapUsersApi();
        api.MapNodesApi();
        api.MapPoolsApi();
        api.MapConnectionsApi();
        api.MapTemplatesApi();
        api.MapCalendarsApi();
        app.MapEtlWebHealth();
        // Read-only: deleting or requeueing an attempt's Hangfire job there would go behind the run lifecycle's back, unaudited.
        app.MapHangfireDashboard("/hangfire", new DashboardOptions { Authorization = [new AdminDashboardFilter()], IsReadOnlyFunc = _ => true })
            .RequireAuthorization(EtlPolicies.Administer);
        return app;
    }
}
