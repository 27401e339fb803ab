using EtlWeb.Configuration;
using EtlWeb.Core.Execution;
using EtlWeb.Realtime;
using EtlWeb.Settings;
using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.Storage.SQLite;
using Microsoft.Extensions.Options;

namespace EtlWeb.Orchestration;

public static class OrchestrationExtensions
{
    /// <summary>
    /// Hangfire as the queue, on its own SQLite file or in its own schema of the PostgreSQL database (see
    /// docs/adr/0001-hangfire-queue-settings.md and 0009-postgresql-provider.md for the poll and invisibility
    /// settings), the executor, recovery on start and retention.
    /// </summary>
    public static IServiceCollection AddEtlWebOrchestration(this IServiceCollection services, IConfiguration configuration)
    {
        var node = configuration.GetSection($"{EtlWebOptions.Section}:Node").Get<NodeOptions>() ?? new NodeOptions();
        services.AddSingleton<RunBroadcaster>();
        services.AddSingleton<RunningAttempts>();
        services.AddSingleton<EngineLocks>();
        services.AddSingleton<RunFollowUps>();
        services.AddSingleton<WaitingRuns>();
        services.AddSingleton<ClaimArbiter>();
        services.AddSingleton<RunEngine>();
        services.AddSingleton<LostNodes>();
        services.AddSingleton<RunQueue>();
        services.AddSingleton<StoredLog>();
        services.AddSingleton<JobChangeFeed>();
        services.AddSingleton<SettingsStore>();
        // Infrastructure timing, not schedule logic: it stays on the real clock even when tests fake the time.
        services.AddSingleton(_ => new QueueWakeUp(TimeProvider.System));
        services.AddTransient<AttemptExecutor>();
        services.AddSingleton(provider => new JobBaseEnvironment(InheritedEnvironment
            .With(InheritedEnvironment.ParseNames(provider.GetRequiredService<IOptions<ExecutionOptions>>().Value.PassEnvironment))
            .Select(Environment.GetEnvironmentVariables())));
        services.AddSingleton<PythonEnvironments>();
        services.AddSingleton(DetectResourceAccounting);
        services.AddSingleton<PipelineCoordinator>();
        services.AddSingleton<RunInputs>();
        services.AddSingleton<BackfillDriver>();
        services.AddSingleton<ScheduleStateStore>();
        services.AddSingleton<Scheduler>();
        services.AddSingleton<SchedulerLease>();
        services.AddSingleton<ClusterBus>();
        services.AddSingleton<NodeRestart>();

        // In this order at start, all before the Hangfire server: the lease is tried first, so recovery and the scheduler
        // know whether this node holds it; recovery settles what this node left before its heartbeat says it is back.
        services.AddHostedService(provider => provider.GetRequiredService<SchedulerLease>());
        services.AddHostedService(provider => provider.GetRequiredService<ClusterBus>());
        services.AddHostedService<NodeRecovery>();
        services.AddHostedService<NodeHeartbeat>();
        if (!node.IsWorker)
        {
            services.AddHostedService(provider => provider.GetRequiredService<Scheduler>());
            services.AddHostedService(provider => provider.GetRequiredService<BackfillDriver>());

            // Each purge reads the retention in force, saved on the Settings page or configured.
            services.AddHostedService(provider => ActivatorUtilities.CreateInstance<RetentionService>(
                provider, new LiveOptions<RetentionOptions>(() => provider.GetRequiredService<SettingsStore>().Current.Retention)));
        }

        services.AddSingleton<QueueWatchdog>();
        services.AddHostedService(provider => provider.GetRequiredService<QueueWatchdog>());

        services.AddSingleton<JobStorage>(provider =>
        {
            var database = provider.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            if (database.IsPostgreSql)
            {
                return HangfirePostgres.Create(database.ConnectionString);
            }

            var etl = provider.GetRequiredService<IOptions<EtlWebOptions>>().Value;
            PrivateDirectory.Ensure(etl.FullDataDirectory);
            var storageOptions = new SQLiteStorageOptions
            {
                // Every enqueue in this process, delayed retries included, wakes the workers at once (QueueWakeUp),
                // and on SQLite no other process enqueues: the poll is a safety net only, slow and cheap when idle.
                QueuePollInterval = TimeSpan.FromSeconds(30),
                // The claim in the app DB guards against a second delivery, so a re-delivery after this is harmless.
                InvisibilityTimeout = TimeSpan.FromMinutes(10),
                JournalMode = SQLiteStorageOptions.JournalModes.WAL,
            };
            var storage = HangfireSqlite.Create(etl.HangfireDatabasePath, storageOptions);
            provider.GetRequiredService<QueueWakeUp>().Attach(storage, storageOptions, RunQueue.QueueName);
            return storage;
        });
        services.AddHangfire((provider, config) => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings());
        services.AddOptions<HostOptions>().Configure<IOptions<ExecutionOptions>>((host, execution) =>
            host.ShutdownTimeout = TimeSpan.FromSeconds(execution.Value.ShutdownGraceSeconds + execution.Value.KillGraceSeconds + 30));
        if (!node.RunsAttempts)
        {
            return services;
        }

        services.AddHangfireServer((provider, server) =>
        {
            // Saved on the Settings page or configured; read only here, so a change applies at the next start (ADR 0003).
            server.WorkerCount = provider.GetRequiredService<SettingsStore>().WorkerCountForServerStart();
            server.Queues = [RunQueue.QueueName];
            // A retry is moved to the queue at its due instant by RunQueue's timer; this poll (a lock with a write each
            // time) only moves the retries of a process that stopped before they were due, so Hangfire's default.
            server.SchedulePollingInterval = TimeSpan.FromSeconds(15);
            server.ServerName = provider.GetRequiredService<IOptions<NodeOptions>>().Value.EffectiveName;

            // A stop takes no new work at once; running attempts get the grace, then their token stops them, and
            // Hangfire waits while their trees are killed and they are settled.
            var execution = provider.GetRequiredService<IOptions<ExecutionOptions>>().Value;
            server.StopTimeout = TimeSpan.FromSeconds(execution.ShutdownGraceSeconds);
            server.ShutdownTimeout = TimeSpan.FromSeconds(execution.KillGraceSeconds + 15);

            // Hangfire's default is the static JobActivator.Current, which the last host configured in the process
            // owns: with several hosts (the tests) a server would build executors from another, maybe disposed, host.
            server.Activator = new AspNetCoreJobActivator(provider.GetRequiredService<IServiceScopeFactory>());
        });
        return services;
    }

    private static ResourceAccounting DetectResourceAccounting(IServiceProvider provider)
    {
        var accounting = ResourceAccounting.Detect(
            provider.GetRequiredService<IOptions<ExecutionOptions>>().Value.UseCgroups, provider.GetRequiredService<IOptions<EtlWebOptions>>().Value.FullDataDirectory);
        var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger<ResourceAccounting>();
        if (accounting.Why.Length == 0)
        {
            logger.LogInformation("Attempts are measured and limited in a cgroup each ({Mode})", accounting.Mode);
        }
        else
        {
            logger.LogInformation("Attempts are measured from their process tree, and memory limits are not enforced: {Why}", accounting.Why);
        }

        return accounting;
    }
}
