using System.Globalization;
using Microsoft.Data.Sqlite;

namespace EtlWeb.Bench.Scale;

/// <summary>
/// Fills a migrated, empty EtlWeb SQLite database with 10,000 jobs and 1,000,000 finished runs, in SQL (recursive
/// CTEs in one transaction), with the rows shaped as the app writes them: 1,000 chains of ten jobs (each job depends
/// on the one before it), spread over folders team-00..team-09 and the root; the head of every other chain has a cron
/// schedule (January 1st, with its anchor at generation time so nothing is due), the rest are manual. Each chain ran
/// 100 times over the last 90 days: 100,000 pipelines of ten runs, each run with one attempt and one request, about
/// 4 % of them Failed. The runs' and attempts' secondary indexes are dropped during the load and built again after
/// it. Log chunks are not written (the stored log of a run is not read by any measured page).
/// </summary>
public static class ScaleData
{
    public const int Chains = 1_000;
    public const int ChainLength = 10;
    public const int Jobs = Chains * ChainLength;
    public const int RunsPerJob = 100;
    public const int Runs = Jobs * RunsPerJob;
    public const int Folders = 10;
    public const string FarCron = "0 0 1 1 *";
    private const int HistoryDays = 90;
    private const int StepSeconds = 7;

    /// <summary>Writes the rows into the database at <paramref name="databasePath"/>; the app must not be running.</summary>
    public static async Task GenerateAsync(string databasePath, DateTimeOffset now)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString();
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await ExecuteAsync(connection, "PRAGMA synchronous = OFF; PRAGMA cache_size = -200000; PRAGMA temp_store = MEMORY;");

        var created = now.AddDays(-HistoryDays - 1);
        await using (var transaction = (SqliteTransaction)await connection.BeginTransactionAsync())
        {
            var indexes = await DropIndexesAsync(connection, transaction, "runs", "attempts", "run_requests");
            foreach (var statement in ScaleSql.Statements)
            {
                await using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = statement;
                command.CommandTimeout = 0;
                Bind(command, now, created);
                await command.ExecuteNonQueryAsync();
            }

            foreach (var index in indexes)
            {
                await ExecuteAsync(connection, index, transaction);
            }

            await transaction.CommitAsync();
        }

        await ExecuteAsync(connection, "PRAGMA wal_checkpoint(TRUNCATE);");
    }

    /// <summary>EF Core's DateTimeOffsetToBinaryConverter for an offset of zero: (ticks / 1000) shifted left by 11 bits.</summary>
    public static long Stored(DateTimeOffset instant) => instant.UtcTicks / 1000 << 11;

    private static void Bind(SqliteCommand command, DateTimeOffset now, DateTimeOffset created)
    {
        var first = now.AddDays(-HistoryDays).ToUnixTimeMilliseconds();
        var pipelines = Runs / ChainLength;
        var parameters = new Dictionary<string, object>
        {
            ["@jobs"] = Jobs,
            ["@runs"] = Runs,
            ["@chain_length"] = ChainLength,
            ["@chains"] = Chains,
            ["@folders"] = Folders,
            ["@cron"] = FarCron,
            ["@created"] = Stored(created),
            ["@created_text"] = created.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture),
            ["@anchor"] = Stored(now),

            // Unix milliseconds to the stored form: (ms * 10 + the ticks of 1970 / 1000) << 11, exact in integers.
            ["@epoch_ticks_k"] = DateTimeOffset.UnixEpoch.UtcTicks / 1000,
            ["@first_ms"] = first,
            ["@pipeline_ms"] = (long)TimeSpan.FromDays(HistoryDays).TotalMilliseconds / pipelines,
            ["@step_ms"] = StepSeconds * 1000,
        };
        foreach (var (name, value) in parameters.Where(p => command.CommandText.Contains(p.Key, StringComparison.Ordinal)))
        {
            command.Parameters.AddWithValue(name, value);
        }
    }

    /// <summary>Drops the tables' indexes but their primary keys; returns the statements that create them again.</summary>
    private static async Task<List<string>> DropIndexesAsync(SqliteConnection connection, SqliteTransaction transaction, params string[] tables)
    {
        var indexes = new List<(string Name, string Sql)>();
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = $"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({string.Join(", ", tables.Select(t => $"'{t}'"))})";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                indexes.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        foreach (var (name, _) in indexes)
        {
            await ExecuteAsync(connection, $"DROP INDEX \"{name}\"", transaction);
        }

        return [.. indexes.Select(i => i.Sql)];
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync();
    }
}
