using EtlWeb.Core.Execution;
using EtlWeb.Configuration;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Options;

namespace EtlWeb.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>
    /// The app DB on the configured provider. The provider is read here, from configuration, because it decides which
    /// context type (and so which migrations) is registered; both are served as <see cref="EtlDbContext"/>.
    /// </summary>
    public static IServiceCollection AddEtlWebData(this IServiceCollection services, IConfiguration configuration)
    {
        var database = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        services.AddSingleton<ConnectionVault>();
        services.AddSingleton<NodeLiveness>();
        if (database.IsPostgreSql)
        {
            services.AddPooledDbContextFactory<PostgresEtlDbContext>((provider, options) =>
                EtlDbContext.Configure(options.UseNpgsql(provider.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString))
                    .AddInterceptors(JobSecretsInterceptor.Instance));
            services.AddSingleton<IDbContextFactory<EtlDbContext>>(provider =>
                new BaseContextFactory<PostgresEtlDbContext>(provider.GetRequiredService<IDbContextFactory<PostgresEtlDbContext>>()));
            // Identity's stores ask for the context itself, per request.
            services.AddScoped(provider => provider.GetRequiredService<IDbContextFactory<EtlDbContext>>().CreateDbContext());
            return services;
        }

        services.AddSingleton<SqlitePragmaInterceptor>();
        // Pooled: a run opens several contexts, and setting up a fresh one each time cost about 6 % of a run's CPU. A
        // context holds no state of its own between uses (the folder filters read the ambient visibility).
        services.AddPooledDbContextFactory<EtlDbContext>((provider, options) =>
        {
            var etl = provider.GetRequiredService<IOptions<EtlWebOptions>>().Value;
            var connection = new SqliteConnectionStringBuilder
            {
                DataSource = etl.AppDatabasePath,
                DefaultTimeout = 30,
                Pooling = true,
            };
            EtlDbContext.Configure(options.UseSqlite(connection.ToString()))
                .AddInterceptors(provider.GetRequiredService<SqlitePragmaInterceptor>(), JobSecretsInterceptor.Instance);
        });
        return services;
    }

    /// <summary>Hands out a provider's own context type where the app asks for <see cref="EtlDbContext"/>.</summary>
    private sealed class BaseContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<EtlDbContext>
        where TContext : EtlDbContext
    {
        public EtlDbContext CreateDbContext() => inner.CreateDbContext();

        public async Task<EtlDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
            await inner.CreateDbContextAsync(cancellationToken);
    }

    /// <summary>Creates the data directory, applies migrations and (on SQLite) turns on WAL before anything reads the DB.</summary>
    public static async Task MigrateEtlWebDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var options = services.GetRequiredService<IOptions<EtlWebOptions>>().Value;
        PrivateDirectory.Ensure(options.FullDataDirectory);
        var factory = services.GetRequiredService<IDbContextFactory<EtlDbContext>>();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        else
        {
            // Without it, the first migration of an empty PostgreSQL database logs an error (its query of a history
            // table that does not exist yet) although nothing went wrong (npgsql/efcore.pg#3407).
            await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken);
        }

        await db.Database.MigrateAsync(cancellationToken);
        await SealClearSecretsAsync(db, cancellationToken);
        await ScrubRunSnapshotsAsync(db, cancellationToken);
    }

    /// <summary>
    /// Runs created before snapshots left secret values out hold them in clear; they are written again without.
    /// Only runs of jobs with secret variables match, so this costs nothing once done.
    /// </summary>
    private static async Task ScrubRunSnapshotsAsync(EtlDbContext db, CancellationToken cancellationToken)
    {
        var runs = await db.Runs
            .Where(r => EF.Functions.Like(r.DefinitionSnapshot, "%\"SecretEnvironment\":[\"%"))
            .Select(r => new { r.Id, r.DefinitionSnapshot })
            .ToListAsync(cancellationToken);
        foreach (var run in runs)
        {
            var scrubbed = Core.Jobs.JobSnapshot.Of(Core.Jobs.JobSnapshot.Read(run.DefinitionSnapshot));
            if (scrubbed != run.DefinitionSnapshot)
            {
                await db.Runs.Where(r => r.Id == run.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.DefinitionSnapshot, scrubbed), cancellationToken);
            }
        }
    }

    /// <summary>
    /// Jobs saved before secret values were encrypted keep them in the clear Environment column; loading and
    /// saving them once moves the values into the encrypted column (see <see cref="JobSecretsInterceptor"/>).
    /// </summary>
    private static async Task SealClearSecretsAsync(EtlDbContext db, CancellationToken cancellationToken)
    {
        var ids = await db.Database
            // Quoted names: PostgreSQL folds unquoted ones to lower case, SQLite reads both.
            .SqlQueryRaw<int>("SELECT \"Id\" AS \"Value\" FROM jobs WHERE \"SecretValues\" IS NULL AND \"SecretEnvironment\" <> '[]'")
            .ToListAsync(cancellationToken);
        if (ids.Count > 0)
        {
            await db.Jobs.Where(j => ids.Contains(j.Id)).LoadAsync(cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
        }
    }
}
