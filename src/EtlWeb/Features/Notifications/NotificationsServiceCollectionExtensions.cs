using EtlWeb.Configuration;

namespace EtlWeb.Features.Notifications;

public static class NotificationsServiceCollectionExtensions
{
    /// <summary>The notification services; a worker node sends none (the web node holding the scheduler lease does).</summary>
    public static IServiceCollection AddEtlWebNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SmtpOptions>().BindConfiguration(SmtpOptions.Section);
        services.AddOptions<SlackOptions>().BindConfiguration(SlackOptions.Section);
        services.AddHttpClient(SlackSender.ClientName, client => client.Timeout = TimeSpan.FromSeconds(30));
        services.AddSingleton<NotificationSettings>();
        services.AddSingleton<MailSender>();
        services.AddSingleton<SlackSender>();
        services.AddSingleton<NotificationTester>();
        services.AddOptions<DeliveryOptions>().BindConfiguration(DeliveryOptions.Section);
        services.AddSingleton<NotificationOutbox>();
        services.AddSingleton<AlertWatch>();
        if ((configuration.GetSection($"{EtlWebOptions.Section}:Node").Get<NodeOptions>() ?? new NodeOptions()).IsWorker)
        {
            return services;
        }

        services.AddSingleton<NotificationDispatcher>();
        services.AddHostedService(provider => provider.GetRequiredService<NotificationDispatcher>());
        services.AddHostedService<NotificationDelivery>();
        services.AddHostedService(provider => provider.GetRequiredService<AlertWatch>());
        return services;
    }
}
