using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace EtlWeb.Data;

/// <summary>
/// Gives every EF Core transaction on PostgreSQL the one-writer-at-a-time behaviour SQLite's <c>BEGIN IMMEDIATE</c>
/// gives it: the code that checks and then writes inside a transaction (a trigger's overlap policy, the pipeline's
/// decisions, the job catalogue's name and cycle checks) was written against that guarantee, and PostgreSQL's
/// read-committed default would let two such transactions interleave. A transaction-level advisory lock is released
/// at commit or rollback, even when the connection dies. Reads and single statements outside a transaction, and the
/// log writer (a plain ADO.NET transaction), do not take it.
/// </summary>
internal sealed class PostgresWriteLock : DbTransactionInterceptor
{
    /// <summary>An arbitrary key of EtlWeb's own in the database's advisory lock space.</summary>
    private const string Sql = "SELECT pg_advisory_xact_lock(5043768771)";

    public static PostgresWriteLock Instance { get; } = new();

    public override DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        using var command = connection.CreateCommand();
        command.Transaction = result;
        command.CommandText = Sql;
        command.ExecuteNonQuery();
        return result;
    }

    public override async ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = result;
        command.CommandText = Sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
        return result;
    }
}
