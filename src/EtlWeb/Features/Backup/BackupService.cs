using System.Globalization;
using EtlWeb.Configuration;
using EtlWeb.Security;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace EtlWeb.Features.Backup;

/// <summary>One backup: the directory it went to and each file with its size.</summary>
public sealed record BackupResult(string Directory, IReadOnlyList<BackupFile> Files);

public sealed record BackupFile(string Name, long Bytes);

/// <summary>
/// Copies both SQLite files (the app DB and Hangfire's) with SQLite's online backup while EtlWeb runs: each copy
/// is one consistent snapshot, taken without stopping writers. The app DB is copied first; a Hangfire job missing
/// from the older copy of the queue is harmless, as the queue watchdog hands queued attempts to Hangfire again.
/// On PostgreSQL there are no files to copy: the database is backed up with pg_dump, and this says so.
/// </summary>
public sealed class BackupService(IOptions<EtlWebOptions> options, IOptions<DatabaseOptions> database, TimeProvider time, CurrentActor actors, AuditLog audit) : IDisposable
{
    public const string PostgreSqlMessage =
        "EtlWeb backs up its SQLite files only. On PostgreSQL, back up the database with pg_dump (it holds both the app "
        + "tables and Hangfire's schema) and copy the key ring, keys/ in the data directory; the README's PostgreSQL section shows how.";

    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Why no backup can be made of the configured database (callers show it instead), or null when one can.</summary>
    public string? Unavailable => database.Value.IsPostgreSql ? PostgreSqlMessage : null;

    /// <summary>Backs up into <c>backups/yyyyMMdd-HHmmss</c> under the data directory.</summary>
    public async Task<BackupResult> CreateAsync(CancellationToken cancellationToken = default)
    {
        actors.Demand(EtlRoles.Admin, "make backups");
        if (Unavailable is { } reason)
        {
            throw new InvalidOperationException(reason);
        }

        var etl = options.Value;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var stamp = time.GetUtcNow().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
            var directory = Path.Combine(etl.FullDataDirectory, "backups", stamp);
            for (var n = 2; Directory.Exists(directory); n++)
            {
                directory = Path.Combine(etl.FullDataDirectory, "backups", $"{stamp}-{n}");
            }

            Directory.CreateDirectory(directory);
            var files = new List<BackupFile>();
            foreach (var source in new[] { etl.AppDatabasePath, etl.HangfireDatabasePath })
            {
                var target = Path.Combine(directory, Path.GetFileName(source));
                await Task.Run(() => Copy(source, target), cancellationToken);
                files.Add(new BackupFile(Path.GetFileName(target), new FileInfo(target).Length));
            }

            files.AddRange(CopyKeyRing(etl.FullDataDirectory, directory));
            await audit.RecordAsync(AuditActions.BackupMade, directory, string.Join(", ", files.Select(f => f.Name)), cancellationToken);
            return new BackupResult(directory, files);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static void Copy(string source, string target)
    {
        using var from = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = source, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        using var to = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = target, Pooling = false }.ToString());
        from.Open();
        to.Open();
        from.BackupDatabase(to);

        // A copy that stands alone: one file, no WAL beside it.
        using var command = to.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=DELETE;";
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// The Data Protection keys that decrypt secret variables (and sign-in cookies): a backup without them could
    /// restore jobs whose secrets no one can read any more.
    /// </summary>
    private static IEnumerable<BackupFile> CopyKeyRing(string dataDirectory, string backupDirectory)
    {
        var keys = Path.Combine(dataDirectory, "keys");
        if (!Directory.Exists(keys))
        {
            yield break;
        }

        var target = Path.Combine(backupDirectory, "keys");
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(target);
        }
        else
        {
            Directory.CreateDirectory(target, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        foreach (var key in Directory.EnumerateFiles(keys, "*.xml"))
        {
            var copy = Path.Combine(target, Path.GetFileName(key));
            File.Copy(key, copy);
            yield return new BackupFile(Path.Combine("keys", Path.GetFileName(key)), new FileInfo(copy).Length);
        }
    }

    public void Dispose() => _gate.Dispose();
}
