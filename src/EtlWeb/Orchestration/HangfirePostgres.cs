using EtlWeb.Configuration;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;

namespace EtlWeb.Orchestration;

/// <summary>Hangfire's PostgreSQL storage in the app's database, in a schema of its own (ADR 0009).</summary>
public static class HangfirePostgres
{
    public static PostgreSqlStorage Create(string connectionString)
    {
        var options = new PostgreSqlStorageOptions
        {
            SchemaName = DatabaseOptions.HangfireSchema,
            PrepareSchemaIfNecessary = true,
            // An enqueue committed in this process wakes a local worker at once (the storage signals its queue after
            // the commit), and LISTEN/NOTIFY wakes the workers of other processes; the poll only bounds the case of a
            // notification lost while a listening connection reconnects.
            EnableLongPolling = true,
            QueuePollInterval = TimeSpan.FromSeconds(1),
            // The claim in the app DB guards against a second delivery, so a re-delivery after this is harmless.
            InvisibilityTimeout = TimeSpan.FromMinutes(10),
        };
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, options), options);
    }
}
