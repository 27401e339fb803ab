using EtlWeb.Features.Dashboard;
using EtlWeb.Features.Jobs;
using EtlWeb.Features.Nodes;
using EtlWeb.Features.Runs;
using EtlWeb.Features.Webhooks;

namespace EtlWeb.Features;

public static class FeaturesServiceCollectionExtensions
{
    /// <summary>The services behind the pages and the API: jobs, runs, webhooks, the dashboard and the Nodes page.</summary>
    public static IServiceCollection AddEtlWebFeatures(this IServiceCollection services)
    {
        services.AddSingleton<JobCatalog>();
        services.AddSingleton<SharedCatalog>();
        services.AddSingleton<HiddenNeighbours>();
        services.AddSingleton<Pools.PoolCatalog>();
        services.AddSingleton<Pools.PoolDirectory>();
        services.AddSingleton<Connections.ConnectionCatalog>();
        services.AddSingleton<Connections.ConnectionDirectory>();
        services.AddSingleton<Connections.ConnectionTester>();
        services.AddSingleton<Calendars.CalendarCatalog>();
        services.AddSingleton<Calendars.CalendarDirectory>();
        services.AddSingleton<JobHistory>();
        services.AddSingleton<FireHistory>();
        services.AddSingleton<JobImporter>();
        services.AddSingleton<Templates.TemplateCatalog>();
        services.AddSingleton<Templates.TemplateInstantiator>();
        services.AddSingleton<ScheduleControl>();
        services.AddSingleton<WebhookTokens>();
        services.AddSingleton<WebhookTrigger>();
        services.AddSingleton<RunService>();
        services.AddSingleton<Backfills.BackfillService>();
        services.AddSingleton<RunReader>();
        services.AddSingleton<WaitReasonReader>();
        services.AddSingleton<RunComparer>();
        services.AddSingleton<LogStreamer>();
        services.AddSingleton<DashboardQueries>();
        services.AddSingleton<NodeDirectory>();
        return services;
    }
}
