using EtlWeb.Configuration;
using EtlWeb.Features.Runs;
using EtlWeb.Realtime;
using Hangfire;
using Hangfire.Storage.SQLite;
using Microsoft.Extensions.Options;

namespace EtlWeb.Orchestration;

public static class OrchestrationExtensions
{
    /// <summary>
    /// Hangfire on its own SQLite file as the queue (see docs/adr/0001-hangfire-queue-settings.md for the
    /// poll and invisibility settings), the executor, recovery on start and retention.
    /// </summary>
    public static IServiceCollection AddEtlWebOrchestration(this IServiceCollection services)
    {
        services.AddSingleton<RunBroadcaster>();
        services.AddSingleton<RunningAttempts>();
        services.AddSingleton<RunLedger>();
        services.AddSingleton<RunQueue>();
        services.AddSingleton<RunService>();
        services.AddSingleton<RunReader>();
        services.AddSingleton<LogStreamer>();
        // Infrastructure timing, not schedule logic: it stays on the real clock even when tests fake the time.
        services.AddSingleton(_ => new QueueWakeUp(TimeProvider.System));
        services.AddTransient<AttemptExecutor>();
        services.AddSingleton<PipelineCoordinator>();
        services.AddSingleton<Scheduler>();

        // Registered before the Hangfire server so that it runs first at start.
        services.AddHostedService<NodeRecovery>();
        services.AddHostedService(provider => provider.GetRequiredService<Scheduler>());
        services.AddHostedService<RetentionService>();

        services.AddSingleton<JobStorage>(provider =>
        {
            var etl = provider.GetRequiredService<IOptions<EtlWebOptions>>().Value;
            Directory.CreateDirectory(etl.FullDataDirectory);
            var storageOptions = new SQLiteStorageOptions
            {
                // Local enqueues wake the workers at once (QueueWakeUp); polling only catches what it missed.
                QueuePollInterval = TimeSpan.FromSeconds(1),
                // The claim in the app DB guards against a second delivery, so a re-delivery after this is harmless.
                InvisibilityTimeout = TimeSpan.FromMinutes(10),
                JournalMode = SQLiteStorageOptions.JournalModes.WAL,
            };
            var storage = new SQLiteStorage(etl.HangfireDatabasePath, storageOptions);
            provider.GetRequiredService<QueueWakeUp>().Attach(storage, storageOptions, RunQueue.QueueName);
            return storage;
        });
        services.AddHangfire((provider, config) => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings());
        services.AddHangfireServer((provider, server) =>
        {
            server.WorkerCount = provider.GetRequiredService<IOptions<ExecutionOptions>>().Value.MaxConcurrentJobs;
            server.Queues = [RunQueue.QueueName];
            server.SchedulePollingInterval = TimeSpan.FromSeconds(1);
            server.ServerName = provider.GetRequiredService<IOptions<NodeOptions>>().Value.Name;
        });
        return services;
    }
}
