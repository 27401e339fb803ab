using EtlWeb.Configuration;
using EtlWeb.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EtlWeb.Orchestration;

/// <summary>
/// What keeps the engine's check-then-write decisions from interleaving (ADR 0013). On SQLite there is one writer
/// anyway: one node, whose transactions begin IMMEDIATE; a semaphore only spares them SQLite's busy waits. On PostgreSQL
/// nothing is taken globally: a decision about a job locks that job's row (<see cref="LockJobsAsync"/>), every status
/// change is a compare-and-set on the status it was decided from, and decisions about different jobs never wait for
/// each other, on one node or several.
/// </summary>
public sealed class EngineLocks(IOptions<DatabaseOptions> database) : IDisposable
{
    private readonly SemaphoreSlim _sqliteWriter = new(1, 1);

    public bool IsPostgreSql => database.Value.IsPostgreSql;

    /// <summary>On SQLite, one engine transaction at a time in this process; on PostgreSQL, nothing.</summary>
    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        if (IsPostgreSql)
        {
            return NoLock.Instance;
        }

        await _sqliteWriter.WaitAsync(cancellationToken);
        return new Release(_sqliteWriter);
    }

    /// <summary>
    /// Locks the rows of <paramref name="jobIds"/> until the transaction ends, in id order (so two deciders never wait for
    /// each other in a circle): one job's overlap and join decisions are made by one transaction at a time. PostgreSQL only.
    /// </summary>
    public static async Task LockJobsAsync(EtlDbContext db, IEnumerable<int> jobIds, CancellationToken cancellationToken)
    {
        if (!db.Database.IsNpgsql())
        {
            return;
        }

        var ids = jobIds.Distinct().Order().ToArray();
        if (ids.Length > 0)
        {
            await db.Database.ExecuteSqlInterpolatedAsync($"SELECT 1 FROM jobs WHERE \"Id\" = ANY({ids}) ORDER BY \"Id\" FOR UPDATE", cancellationToken);
        }
    }

    public void Dispose() => _sqliteWriter.Dispose();

    private sealed class Release(SemaphoreSlim semaphore) : IDisposable
    {
        public void Dispose() => semaphore.Release();
    }

    private sealed class NoLock : IDisposable
    {
        public static NoLock Instance { get; } = new();

        public void Dispose()
        {
        }
    }
}
