using System.Data;
using System.Data.Common;
using EtlWeb.Core.Runs;
using EtlWeb.Data;
using EtlWeb.Metrics;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Orchestration;

/// <summary>
/// Stores an attempt's log chunks, each batch with the attempt's log end in one transaction, below EF Core (no
/// tracking, no per-row overhead); plain ADO.NET with quoted names and @ parameters, which both SQLite and
/// PostgreSQL read. A batch that fails (the database restarted, the disk is full) is tried again on a new
/// connection until it is stored (<see cref="Persistently"/>): nothing is dropped, and the spool keeps the lines meanwhile. A retried batch
/// that was committed although its answer was lost is recognised by the attempt's stored line count, not stored twice
/// (nor counted twice in <c>etlweb_log_lines_stored_total</c>).
/// </summary>
public sealed class LogChunkWriter(long attemptId, IDbContextFactory<EtlDbContext> dbFactory, TimeProvider time, EtlMetrics metrics, ILogger logger) : IAsyncDisposable
{
    private EtlDbContext? _db;
    private DbConnection? _connection;

    /// <summary>Stores the batch and records <paramref name="end"/> as the attempt's log end; returns once committed.</summary>
    public async Task StoreAsync(IReadOnlyList<LogChunk> batch, LogEnd end)
    {
        var failures = await Persistently.RunAsync(
            async before =>
            {
                if (before > 0)
                {
                    // A new connection: the old one may be broken for good (the server restarted).
                    await CloseAsync();
                }

                if (await InsertAsync(await ConnectAsync(), batch, end, checkStored: before > 0))
                {
                    metrics.LogLinesWritten(batch.Sum(chunk => (long)chunk.LineCount));
                }

                return before;
            },
            ex => logger.LogWarning(ex, "The log of attempt {AttemptId} could not be stored; it is tried again until it is (the spool keeps the lines)", attemptId),
            time,
            CancellationToken.None);
        if (failures > 0)
        {
            logger.LogInformation("The log of attempt {AttemptId} is stored again after {Failures} failed write(s)", attemptId, failures);
        }
    }

    public async ValueTask DisposeAsync() => await CloseAsync();

    private async Task<DbConnection> ConnectAsync()
    {
        if (_connection is null)
        {
            _db = await dbFactory.CreateDbContextAsync();
            _connection = _db.Database.GetDbConnection();
            await _connection.OpenAsync();
        }

        return _connection;
    }

    private async Task CloseAsync()
    {
        if (_db is not null)
        {
            await _db.DisposeAsync();
        }

        (_db, _connection) = (null, null);
    }

    /// <summary>Stores the batch in one transaction; false when an earlier try had stored it already.</summary>
    private async Task<bool> InsertAsync(DbConnection connection, IReadOnlyList<LogChunk> batch, LogEnd end, bool checkStored)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        if (checkStored && await StoredLinesAsync(connection, transaction) >= end.Lines)
        {
            return false;
        }

        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO log_chunks (\"AttemptId\", \"FirstLine\", \"LineCount\", \"Data\") VALUES (@a, @f, @c, @d)";
        var attempt = Add(command, "@a", DbType.Int64);
        var first = Add(command, "@f", DbType.Int64);
        var count = Add(command, "@c", DbType.Int32);
        var data = Add(command, "@d", DbType.Binary);
        foreach (var chunk in batch)
        {
            attempt.Value = chunk.AttemptId;
            first.Value = chunk.FirstLine;
            count.Value = chunk.LineCount;
            data.Value = chunk.Data;
            await command.ExecuteNonQueryAsync();
        }

        await using var mark = connection.CreateCommand();
        mark.Transaction = transaction;
        mark.CommandText = "UPDATE attempts SET \"LogLines\" = @l, \"LogBytes\" = @b, \"LogTruncated\" = @t, \"SpoolStdout\" = @o, \"SpoolStderr\" = @e WHERE \"Id\" = @a";
        Add(mark, "@l", DbType.Int64).Value = end.Lines;
        Add(mark, "@b", DbType.Int64).Value = end.Bytes;
        Add(mark, "@t", DbType.Boolean).Value = end.Truncated;
        Add(mark, "@o", DbType.Int64).Value = end.Stdout;
        Add(mark, "@e", DbType.Int64).Value = end.Stderr;
        Add(mark, "@a", DbType.Int64).Value = attemptId;
        await mark.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
        return true;
    }

    private async Task<long> StoredLinesAsync(DbConnection connection, DbTransaction transaction)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT \"LogLines\" FROM attempts WHERE \"Id\" = @a";
        Add(command, "@a", DbType.Int64).Value = attemptId;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static DbParameter Add(DbCommand command, string name, DbType type)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = type;
        command.Parameters.Add(parameter);
        return parameter;
    }
}

/// <summary>Where the stored log ends once a batch is stored: lines, bytes counted against the cap, truncation, and the spool offsets read.</summary>
public readonly record struct LogEnd(long Lines, long Bytes, bool Truncated, long Stdout, long Stderr);
