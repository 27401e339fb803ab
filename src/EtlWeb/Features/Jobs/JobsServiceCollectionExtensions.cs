using EtlWeb.Features.Webhooks;

namespace EtlWeb.Features.Jobs;

public static class JobsServiceCollectionExtensions
{
    public static IServiceCollection AddJobCatalog(this IServiceCollection services)
    {
        services.AddSingleton<JobChangeFeed>();
        services.AddSingleton<JobCatalog>();
        services.AddSingleton<JobImporter>();
        services.AddSingleton<ScheduleControl>();
        services.AddSingleton<WebhookTokens>();
        return services;
    }
}
