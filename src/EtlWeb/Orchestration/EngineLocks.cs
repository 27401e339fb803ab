using EtlWeb.Configuration;
using EtlWeb.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EtlWeb.Orchestration;

/// <summary>
/// What keeps the engine's check-then-write decisions from interleaving (ADR 0013). On SQLite there is one writer
/// anyway: one node, whose transactions begin IMMEDIATE; a semaphore only spares them SQLite's busy waits. On PostgreSQL
/// nothing is taken globally: a decision about a job that reads what another transaction may write locks that job's row
/// (<see cref="LockDecidingJobsAsync"/>), every status
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
    /// NO KEY UPDATE: deciders wait for each other, while inserts that merely reference the job (its runs) do not wait.
    /// </summary>
    public static Task LockJobsAsync(EtlDbContext db, IEnumerable<int> jobIds, CancellationToken cancellationToken) =>
        LockAsync(db, jobIds, [], everyJob: true, cancellationToken);

    /// <summary>
    /// Like <see cref="LockJobsAsync"/>, but only the jobs whose runs are decided on what other transactions write: a job
    /// whose overlap policy is not Allow (its run may join, skip or queue behind another), a job with an upstream (its
    /// fan-in), and the jobs of <paramref name="firing"/> (each fire is recorded once). A run of an Allow job with no
    /// upstream starts whatever else runs, so its triggers do not wait for each other nor for an edit of the job.
    /// </summary>
    public static Task LockDecidingJobsAsync(EtlDbContext db, IEnumerable<int> jobIds, IEnumerable<int> firing, CancellationToken cancellationToken) =>
        LockAsync(db, jobIds, firing, everyJob: false, cancellationToken);

    private static async Task LockAsync(EtlDbContext db, IEnumerable<int> jobIds, IEnumerable<int> firing, bool everyJob, CancellationToken cancellationToken)
    {
        if (!db.Database.IsNpgsql())
        {
            return;
        }

        var ids = jobIds.Distinct().Order().ToArray();
        var fires = firing.Distinct().ToArray();
        if (ids.Length > 0)
        {
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"""
                SELECT 1 FROM jobs j WHERE j."Id" = ANY({ids})
                AND ({everyJob} OR j."Id" = ANY({fires}) OR j."OverlapPolicy" <> 'Allow'
                     OR EXISTS (SELECT 1 FROM job_dependencies d WHERE d."DownstreamJobId" = j."Id"))
                ORDER BY j."Id" FOR NO KEY UPDATE OF j
                """,
                cancellationToken);
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
