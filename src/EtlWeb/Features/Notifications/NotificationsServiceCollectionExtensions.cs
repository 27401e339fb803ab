namespace EtlWeb.Features.Notifications;

public static class NotificationsServiceCollectionExtensions
{
    public static IServiceCollection AddEtlWebNotifications(this IServiceCollection services)
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
        services.AddHostedService<NotificationDispatcher>();
        services.AddHostedService<NotificationDelivery>();
        services.AddSingleton<AlertWatch>();
        services.AddHostedService(provider => provider.GetRequiredService<AlertWatch>());
        return services;
    }
}
