using System.Runtime.Versioning;
using System.Text;
using EtlWeb.Core.Connections;
using EtlWeb.Core.Jobs;

namespace EtlWeb.Core.Execution;

/// <summary>
/// How an SQL job that names a connection runs: that kind's command-line client, given the connection the client's own
/// way (PostgreSQL: a libpq service file; MySQL: an option file; SQL Server: sqlcmd's variables; SQLite: the file's
/// path), never its password on a command line where <c>ps</c> shows it, and told to stop at the first error. The files
/// holding the password are private (0600) in the attempt's spool, which goes with the attempt.
/// </summary>
public static class SqlClients
{
    /// <summary>The name the PostgreSQL service file gives its one service.</summary>
    private const string ServiceName = "etlweb";

    /// <summary>Where the SQL comes from: the job's inline script, written to a private file, or the .sql file its command names.</summary>
    [SupportedOSPlatform("linux")]
    internal static LaunchPlan Plan(Job job, SqlTarget target, ClientLaunch launch)
    {
        var secrets = launch.Secrets;
        var client = ConnectionRules.ClientOf(target.Kind);
        var baseDirectory = launch.WorkingDirectory ?? Environment.CurrentDirectory;
        if (!ExecutableSearch.Exists(client, baseDirectory, launch.Environment.GetValueOrDefault("PATH") ?? LaunchPlanner.DefaultSearchPath))
        {
            return LaunchPlan.Failed($"SQL client '{client}' for connection '{target.Name}' was not found on PATH; install it (see the README's Connections section).", secrets);
        }

        var sqlFile = Path.Combine(baseDirectory, job.Command.Trim());
        if (job.Script.Trim().Length == 0 && !File.Exists(sqlFile))
        {
            return LaunchPlan.Failed($"SQL file '{job.Command.Trim()}' does not exist{(launch.WorkingDirectory is null ? "" : $" in '{launch.WorkingDirectory}'")}.", secrets);
        }

        try
        {
            var scriptPath = job.Script.Trim().Length > 0 ? LaunchPlanner.WritePrivateFile(launch.TempDirectory, job.Script, ".sql") : null;
            var environment = new Dictionary<string, string>(launch.Environment, StringComparer.Ordinal);
            var arguments = Arguments(target, client, scriptPath ?? sqlFile, launch.TempDirectory, environment);
            return LaunchPlan.Ready(new ProcessSpec(launch.Setsid, arguments, launch.WorkingDirectory, environment, launch.Marker, secrets), scriptPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return LaunchPlan.Failed($"The SQL and the client's settings could not be written to '{launch.TempDirectory}': {ex.Message}", secrets);
        }
    }

    /// <summary>The client's arguments (after setsid) for the connection and the file; fills in the variables it reads.</summary>
    [SupportedOSPlatform("linux")]
    private static string[] Arguments(SqlTarget target, string client, string sqlFile, string tempDirectory, Dictionary<string, string> environment)
    {
        switch (target.Kind)
        {
            case ConnectionKind.PostgreSql:
                environment["PGSERVICEFILE"] = LaunchPlanner.WritePrivateFile(tempDirectory, ServiceFile(target), ".conf");
                environment["PGSERVICE"] = ServiceName;
                return [client, "--no-psqlrc", "--set", "ON_ERROR_STOP=1", "--file", sqlFile];
            case ConnectionKind.MySql:
                var options = LaunchPlanner.WritePrivateFile(tempDirectory, OptionFile(target), ".cnf");
                return [LaunchPlanner.DefaultShell(), "-c", $"exec {client} --defaults-extra-file={ShellText.Quote(options)} --batch < {ShellText.Quote(sqlFile)}"];
            case ConnectionKind.SqlServer:
                environment["SQLCMDSERVER"] = target.Port > 0 ? $"{target.Host},{target.Port}" : target.Host;
                environment["SQLCMDUSER"] = target.User;
                environment["SQLCMDPASSWORD"] = target.Password;
                environment["SQLCMDDBNAME"] = target.Database;
                return [client, "-b", .. OptionWords(target.Options), "-i", sqlFile];
            default:
                var words = string.Join(' ', OptionWords(target.Options).Select(ShellText.Quote));
                return [LaunchPlanner.DefaultShell(), "-c", $"exec {client} -bail -batch {words} {ShellText.Quote(target.Database)} < {ShellText.Quote(sqlFile)}"];
        }
    }

    /// <summary>A libpq connection service file: every setting of the connection, the options' <c>key=value</c> pairs included.</summary>
    public static string ServiceFile(SqlTarget target)
    {
        var text = new StringBuilder($"[{ServiceName}]\n");
        Line(text, "host", target.Host);
        Line(text, "port", target.Port > 0 ? target.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) : "");
        Line(text, "dbname", target.Database);
        Line(text, "user", target.User);
        Line(text, "password", target.Password);
        foreach (var pair in OptionWords(target.Options).Where(w => w.Contains('=', StringComparison.Ordinal)))
        {
            text.Append(pair).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>A MySQL option file's <c>[client]</c> group: the connection, then the options, one per line.</summary>
    public static string OptionFile(SqlTarget target)
    {
        var text = new StringBuilder("[client]\n");
        Line(text, "host", target.Host);
        Line(text, "port", target.Port > 0 ? target.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) : "");
        Line(text, "user", target.User);
        Line(text, "password", target.Password.Length > 0 ? "\"" + target.Password.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"" : "");
        Line(text, "database", target.Database);
        foreach (var line in target.Options.ReplaceLineEndings("\n").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0))
        {
            text.Append(line).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The options as words: split on white space, a word in double quotes kept whole.</summary>
    public static IReadOnlyList<string> OptionWords(string options) =>
        [.. ShellText.Words(options).Select(w => w.Text)];

    private static void Line(StringBuilder text, string key, string value)
    {
        if (value.Length > 0)
        {
            text.Append(key).Append('=').Append(value.ReplaceLineEndings(" ")).Append('\n');
        }
    }
}

/// <summary>What every launch shares, worked out by <see cref="LaunchPlanner"/> before the client is chosen.</summary>
internal sealed record ClientLaunch(string Setsid, IReadOnlyDictionary<string, string> Environment, string? WorkingDirectory, string TempDirectory, string Marker, SecretMasker Secrets);
