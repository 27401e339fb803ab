using System.Text.Json.Serialization;
using Hangfire;

namespace EtlWeb.Api;

public static class ApiServiceCollectionExtensions
{
    public static IServiceCollection AddEtlWebApi(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddOpenApi();
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
        app.MapOpenApi();
        var api = app.MapGroup("/api");
        api.MapJobsApi();
        api.MapImportExportApi();
        api.MapRunsApi();
        api.MapScheduleApi();
        app.MapEtlWebHealth();
        app.MapHangfireDashboard("/hangfire");
        return app;
    }
}
