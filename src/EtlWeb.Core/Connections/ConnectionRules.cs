using System.Text.RegularExpressions;
using EtlWeb.Core.Jobs;

namespace EtlWeb.Core.Connections;

/// <summary>The rules of a connection's fields and of an SQL job that uses one, each broken rule named by its field.</summary>
public static partial class ConnectionRules
{
    public const string NameField = "name";
    public const string KindField = "kind";
    public const string HostField = "host";
    public const string PortField = "port";
    public const string DatabaseField = "database";
    public const string UserField = "user";
    public const string PasswordField = "password";
    public const string OptionsField = "options";

    /// <summary>The kinds as the API writes them.</summary>
    public static IReadOnlyDictionary<ConnectionKind, string> KindNames { get; } = new Dictionary<ConnectionKind, string>
    {
        [ConnectionKind.PostgreSql] = "postgresql",
        [ConnectionKind.MySql] = "mysql",
        [ConnectionKind.SqlServer] = "sqlserver",
        [ConnectionKind.Sqlite] = "sqlite",
    };

    /// <summary>The command-line client each kind runs.</summary>
    public static string ClientOf(ConnectionKind kind) => kind switch
    {
        ConnectionKind.PostgreSql => "psql",
        ConnectionKind.MySql => "mysql",
        ConnectionKind.SqlServer => "sqlcmd",
        _ => "sqlite3",
    };

    public static bool TryParseKind(string? text, out ConnectionKind kind)
    {
        var match = KindNames.FirstOrDefault(k => string.Equals(k.Value, text?.Trim(), StringComparison.OrdinalIgnoreCase));
        kind = match.Key;
        return match.Value is not null;
    }

    public static bool IsName(string name) => Name().IsMatch(name);

    /// <summary>Checks a connection's fields (its password is not checked: any value, or none, is one).</summary>
    public static void Validate(Connection connection, ValidationErrors errors)
    {
        if (!IsName(connection.Name))
        {
            errors.Add(NameField, "A connection name is 1 to 64 letters, digits, '.', '_' or '-'.");
        }

        if (connection.Port is < 0 or > 65535)
        {
            errors.Add(PortField, "The port is between 1 and 65535, or 0 for the client's default.");
        }

        if (connection.Kind == ConnectionKind.Sqlite)
        {
            if (connection.Database.Trim().Length == 0)
            {
                errors.Add(DatabaseField, "An SQLite connection names its database file (for example /data/app.db).");
            }
        }
        else if (connection.Host.Trim().Length == 0)
        {
            errors.Add(HostField, $"A {KindNames[connection.Kind]} connection needs the database server's host name.");
        }

        if (connection.Options.Contains('\0', StringComparison.Ordinal) || connection.Host.Any(char.IsWhiteSpace))
        {
            errors.Add(connection.Host.Any(char.IsWhiteSpace) ? HostField : OptionsField, "A host name has no spaces, and options no NUL character.");
        }
    }

    /// <summary>An SQL job that names a connection: it exists, and the job gives its SQL inline or as a .sql file, not a client line.</summary>
    public static void CheckJob(Job job, IReadOnlyCollection<string> connections, ValidationErrors errors)
    {
        if (job.Connection.Length == 0)
        {
            return;
        }

        if (job.Kind != JobKind.Sql)
        {
            errors.Add(JobFields.Connection, "Only an SQL job uses a connection.");
            return;
        }

        if (!connections.Contains(job.Connection, StringComparer.Ordinal))
        {
            errors.Add(JobFields.Connection, $"There is no connection named '{job.Connection}'; an Admin adds connections on the Connections page.");
        }

        if (job.Interpreter.Trim().Length > 0)
        {
            errors.Add(JobFields.Interpreter, "A job with a connection runs that connection's client: leave the interpreter empty.");
        }

        if (job.Command.Trim().Length > 0 && job.Script.Trim().Length > 0)
        {
            errors.Add(JobFields.Command, "Give the SQL either inline (the script) or as a .sql file (the command), not both.");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex Name();
}
