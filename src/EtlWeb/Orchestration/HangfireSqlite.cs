using Hangfire.Storage.SQLite;
using SQLite;

namespace EtlWeb.Orchestration;

/// <summary>Hangfire's SQLite storage with the connection settings EtlWeb relies on (ADR 0001).</summary>
public static class HangfireSqlite
{
    /// <summary>
    /// Opens connections like the storage's own factory does, plus synchronous=NORMAL: under WAL a commit then
    /// needs no fsync and survives a killed process; only a power loss can drop the last commits, and an attempt
    /// whose Hangfire job was lost that way is re-enqueued by the queue watchdog from the app DB.
    /// </summary>
    public static SQLiteStorage Create(string path, SQLiteStorageOptions options) =>
        new(new SQLiteDbConnectionFactory(() =>
        {
            var connection = new SQLiteConnection(path, SQLiteOpenFlags.ReadWrite | SQLiteOpenFlags.Create | SQLiteOpenFlags.FullMutex, storeDateTimeAsTicks: true)
            {
                BusyTimeout = TimeSpan.FromSeconds(10),
            };
            connection.ExecuteScalar<string>("PRAGMA synchronous = NORMAL");
            return connection;
        }), options);
}
