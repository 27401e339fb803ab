using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Data;

/// <summary>
/// The job catalogue's unique names and acyclic dependencies are checked against all jobs, then written: two edits
/// (on two nodes) must not both pass their checks before either writes. On PostgreSQL an edit takes this
/// transaction-level advisory lock first; runs never take it (ADR 0013). On SQLite the transaction is the lock.
/// </summary>
public static class CatalogLock
{
    /// <summary>EtlWeb's key for it in the database's advisory lock space (the scheduler lease uses the one after it).</summary>
    private const long Key = 5043768771;

    /// <summary>Takes the lock until the current transaction ends.</summary>
    public static async Task TakeAsync(EtlDbContext db, CancellationToken cancellationToken)
    {
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({Key})", cancellationToken);
        }
    }
}
