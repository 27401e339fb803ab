using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace EtlWeb.Testing;

/// <summary>
/// A throwaway PostgreSQL cluster for tests: Debian's initdb and pg_ctl (<c>/usr/lib/postgresql/*/bin</c>, installed by
/// scripts/test.sh), a temp directory, a free loopback port, trust sign-in for the user <c>etlweb</c>. initdb refuses
/// to run as root, so as root the server runs as the <c>postgres</c> user that Debian's package creates, in a directory
/// that user owns. Start one per test class and give each test a database of its own; dispose stops the server and
/// removes the directory.
/// </summary>
internal sealed class PostgresCluster : IAsyncDisposable
{
    public const string User = "etlweb";

    private readonly string _directory;
    private readonly string _bin;
    private bool _stopped;

    private PostgresCluster(string directory, string bin, int port)
    {
        _directory = directory;
        _bin = bin;
        Port = port;
    }

    public int Port { get; }

    private string DataDirectory => Path.Combine(_directory, "data");

    private static bool IsRoot => Environment.UserName == "root";

    public static async Task<PostgresCluster> StartAsync()
    {
        var bin = FindBin();
        var directory = Path.Combine(Path.GetTempPath(), "etlweb-pg-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var cluster = new PostgresCluster(directory, bin, FreePort());
        try
        {
            if (IsRoot)
            {
                await RunAsync("chown", ["postgres:postgres", directory]);
            }

            await cluster.RunAsServerUserAsync("initdb", ["-D", cluster.DataDirectory, "-U", User, "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]);
            var options = string.Join(' ',
                $"-c port={cluster.Port}",
                "-c listen_addresses=127.0.0.1",
                $"-c unix_socket_directories={directory}",
                // A test database need not survive a power cut.
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off");
            await cluster.RunAsServerUserAsync("pg_ctl", ["-D", cluster.DataDirectory, "-l", Path.Combine(directory, "server.log"), "-o", options, "-w", "-t", "60", "start"]);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>The connection string of a database in this cluster.</summary>
    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = User,
        Database = database,
    }.ConnectionString;

    /// <summary>A new, empty database; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "etlweb_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(ConnectionString("postgres")))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE \"{name}\"";
            await command.ExecuteNonQueryAsync();
        }

        return ConnectionString(name);
    }

    /// <summary>Restarts the server (fast shutdown: open sessions are ended) with the options it was started with.</summary>
    public Task RestartAsync() =>
        RunAsServerUserAsync("pg_ctl", ["-D", DataDirectory, "-l", Path.Combine(_directory, "server.log"), "-m", "fast", "-w", "-t", "60", "restart"]);

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (!_stopped && File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            _stopped = true;
            await RunAsServerUserAsync("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "stop"]);
        }

        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static string FindBin()
    {
        var versions = Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql") : [];
        return versions
            .Select(v => (Version: int.TryParse(Path.GetFileName(v), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0, Bin: Path.Combine(v, "bin")))
            .Where(v => File.Exists(Path.Combine(v.Bin, "initdb")))
            .OrderByDescending(v => v.Version)
            .Select(v => v.Bin)
            .FirstOrDefault()
            ?? throw new InvalidOperationException("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); scripts/test.sh installs Debian's postgresql when run as root.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private Task RunAsServerUserAsync(string program, IReadOnlyList<string> arguments) =>
        IsRoot
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, program), .. arguments])
            : RunAsync(Path.Combine(_bin, program), arguments);

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // A directory the postgres user may enter, not the test's (maybe root's) own.
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(deadline.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await output}\n{await error}");
        }
    }
}
