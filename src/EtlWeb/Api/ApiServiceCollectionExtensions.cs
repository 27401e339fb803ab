using System.Text.Json.Serialization;

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
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
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
        return app;
    }
}
