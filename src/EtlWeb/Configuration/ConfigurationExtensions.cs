using Microsoft.Extensions.Options;
using Serilog;
using Serilog.Events;

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
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<NodeOptions>().BindConfiguration($"{EtlWebOptions.Section}:Node").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RetentionOptions>().BindConfiguration($"{EtlWebOptions.Section}:Retention").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SchedulerOptions>().BindConfiguration($"{EtlWebOptions.Section}:Scheduler").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PythonOptions>().BindConfiguration(PythonOptions.Section);
        services.AddOptions<PublicUrlOptions>().BindConfiguration(EtlWebOptions.Section);
        services.AddOptions<ProxyOptions>().BindConfiguration(ProxyOptions.Section);
        services.AddSingleton<PublicLinks>();
        services.AddSingleton(TimeProvider.System);
        return services;
    }

    /// <summary>
    /// Serilog to the console and a daily rolling file in the data directory, both with the event's properties, so a
    /// line written while an attempt runs carries its RunId and AttemptId. Tokens are redacted from every line
    /// (<see cref="LogPrivacy"/>) and the files are readable by EtlWeb's user only.
    /// </summary>
    public static WebApplicationBuilder AddEtlWebLogging(this WebApplicationBuilder builder)
    {
        const string Template = "[{Timestamp:yyyy-MM-dd HH:mm:ss.fff} {Level:u3}] {Message:lj} {Properties:j}{NewLine}{Exception}";
        var dataDirectory = builder.Configuration[$"{EtlWebOptions.Section}:{nameof(EtlWebOptions.DataDirectory)}"] ?? "./data";
        builder.Services.AddSerilog((services, logger) => logger
            .ReadFrom.Configuration(builder.Configuration)
            .Enrich.FromLogContext()
            .Enrich.With<LogPrivacy.Enricher>()
            .Filter.ByExcluding(Features.Security.SecurityExtensions.IsUnencryptedKeyWarning)
            .WriteTo.Console(outputTemplate: Template)
            .WriteTo.File(
                Path.Combine(Path.GetFullPath(dataDirectory), "logs", "etlweb-.log"),
                outputTemplate: Template,
                rollingInterval: RollingInterval.Day,
                retainedFileCountLimit: 14,
                hooks: new LogPrivacy.PrivateFiles()));
        return builder;
    }

    /// <summary>Before anything reads the scheme or the client's address: what the trusted proxies forwarded.</summary>
    /// <summary>Whether this process was started as a worker node (EtlWeb:Node:Role).</summary>
    public static bool IsWorkerNode(this WebApplication app) => app.Services.GetRequiredService<IOptions<NodeOptions>>().Value.IsWorker;

    public static WebApplication UseEtlWebForwardedHeaders(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<ProxyOptions>>().Value.ToForwardedHeaders() is { } forwarded)
        {
            app.UseForwardedHeaders(forwarded);
        }

        return app;
    }

    /// <summary>
    /// One line per HTTP request. Probes, the Blazor circuit and static files only at Debug, so a health check every
    /// 30 s does not flood the log; a 503 from /health is a state it reports (the health service warns), not an error.
    /// </summary>
    public static WebApplication UseEtlWebRequestLogging(this WebApplication app)
    {
        app.UseSerilogRequestLogging(options => options.GetLevel = (context, _, error) =>
            error is not null ? LogEventLevel.Error
            : IsQuiet(context.Request.Path) ? LogEventLevel.Debug
            : context.Response.StatusCode >= 500 ? LogEventLevel.Error
            : LogEventLevel.Information);
        return app;
    }

    private static bool IsQuiet(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/_blazor") || path.StartsWithSegments("/_framework")
        || path.StartsWithSegments("/_content") || Path.HasExtension(path.Value);
}
