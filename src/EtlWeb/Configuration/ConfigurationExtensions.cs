using Serilog;

namespace EtlWeb.Configuration;

public static class ConfigurationExtensions
{
    public static IServiceCollection AddEtlWebOptions(this IServiceCollection services)
    {
        services.AddOptions<EtlWebOptions>()
            .BindConfiguration(EtlWebOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<ExecutionOptions>().BindConfiguration(EtlWebOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<NodeOptions>().BindConfiguration($"{EtlWebOptions.Section}:Node").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RetentionOptions>().BindConfiguration($"{EtlWebOptions.Section}:Retention").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SchedulerOptions>().BindConfiguration($"{EtlWebOptions.Section}:Scheduler").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PublicUrlOptions>().BindConfiguration(EtlWebOptions.Section);
        services.AddSingleton<PublicLinks>();
        services.AddSingleton(TimeProvider.System);
        return services;
    }

    /// <summary>Serilog to the console and a daily rolling file in the data directory.</summary>
    public static WebApplicationBuilder AddEtlWebLogging(this WebApplicationBuilder builder)
    {
        var dataDirectory = builder.Configuration[$"{EtlWebOptions.Section}:{nameof(EtlWebOptions.DataDirectory)}"] ?? "./data";
        builder.Services.AddSerilog((services, logger) => logger
            .ReadFrom.Configuration(builder.Configuration)
            .Enrich.FromLogContext()
            .WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj} {Properties:j}{NewLine}{Exception}")
            .WriteTo.File(
                Path.Combine(Path.GetFullPath(dataDirectory), "logs", "etlweb-.log"),
                rollingInterval: RollingInterval.Day,
                retainedFileCountLimit: 14));
        return builder;
    }
}
