namespace EtlWeb.Core.Connections;

/// <summary>The database an SQL job's client connects to; each kind runs its own command-line client.</summary>
public enum ConnectionKind
{
    PostgreSql,
    MySql,
    SqlServer,
    Sqlite,
}

/// <summary>
/// A named database connection that SQL jobs use by name. Its password is kept encrypted (<see cref="SealedPassword"/>)
/// and is never sent back to a browser or written to a log.
/// </summary>
public sealed class Connection
{
    public string Name { get; set; } = "";

    public ConnectionKind Kind { get; set; }

    public string Host { get; set; } = "";

    /// <summary>0 for the client's default port.</summary>
    public int Port { get; set; }

    /// <summary>The database name, or for SQLite the database file's path.</summary>
    public string Database { get; set; } = "";

    public string User { get; set; } = "";

    /// <summary>The password as Data Protection sealed it; empty for none.</summary>
    public string SealedPassword { get; set; } = "";

    /// <summary>
    /// Further settings in the client's own terms: libpq keywords (<c>sslmode=require</c>) for PostgreSQL, option-file
    /// lines (<c>ssl-mode=REQUIRED</c>) for MySQL, sqlcmd arguments (<c>-C</c>) for SQL Server, sqlite3 arguments
    /// (<c>-readonly</c>) for SQLite.
    /// </summary>
    public string Options { get; set; } = "";

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The connection with its password in the clear, as a client needs it.</summary>
    public SqlTarget Open(string password) => new(Name, Kind, Host, Port, Database, User, password, Options);
}

/// <summary>What an SQL client needs to reach the database: a connection with its password in the clear.</summary>
public sealed record SqlTarget(string Name, ConnectionKind Kind, string Host, int Port, string Database, string User, string Password, string Options);
