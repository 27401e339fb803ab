using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace EtlWeb.Data;

/// <summary>Database errors the app answers itself, told apart the same way on either provider.</summary>
internal static class DbErrors
{
    /// <summary>A unique index refused the row (SQLite reports every constraint as code 19, so this is the narrowest test there).</summary>
    public static bool IsUniqueViolation(DbUpdateException exception) => exception.InnerException switch
    {
        SqliteException sqlite => sqlite.SqliteErrorCode == 19,
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };
}
