using EtlWeb.Configuration;
using EtlWeb.Core.Execution;
using EtlWeb.Core.Runs;
using EtlWeb.Data;
using EtlWeb.Security;
using EtlWeb.Settings;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EtlWeb.Orchestration;

/// <summary>
/// On start, before Hangfire's workers take work: attempts this node left running are adopted when their process
/// still runs or its supervisor recorded how it ended (<see cref="AttemptExecutor.AdoptAsync"/>); the others (the
/// spool gone, the process gone without a record) are marked Interrupted, what survives of their trees is killed,
/// and their runs continue per the retry policy. Processes of this node's attempts that another node settled
/// meanwhile (it took this node for lost) are killed too. Queued attempts are handed to Hangfire again (a duplicate
/// delivery is harmless: the claim refuses it). The kill grace is the one in force: saved on the Settings page, or
/// configured.
/// </summary>
public sealed class NodeRecovery(
    IDbContextFactory<EtlDbContext> dbFactory,
    RunEngine engine,
    RunQueue queue,
    TimeProvider time,
    SettingsStore settings,
    IOptions<DatabaseOptions> database,
    SchedulerLease lease,
    AttemptExecutor executor,
    ResourceAccounting accounting,
    IHostApplicationLifetime lifetime,
    ILogger<NodeRecovery> logger) : IHostedService, IDisposable
{
    private readonly List<Task> _adopted = [];

    /// <summary>For the adopted attempts, what Hangfire's token is for the others: the stop's grace is over.</summary>
    private readonly CancellationTokenSource _graceOver = new();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStopping.Register(() => _graceOver.CancelAfter(TimeSpan.FromSeconds(settings.Current.Execution.ShutdownGraceSeconds)));
        // EtlWeb's engine at work: it acts as itself, explicitly, and whatever it starts from here keeps that.
        using var system = CurrentActor.AsSystem();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);

        // With the SQLite stores there is one node, whatever name it had before a restart; on PostgreSQL, only this node's.
        var owner = database.Value.IsPostgreSql ? engine.NodeName : null;
        var grace = TimeSpan.FromSeconds(settings.Current.Execution.KillGraceSeconds);
        await KillDisownedAsync(db, owner, grace, cancellationToken);
        var orphans = await db.Attempts.AsNoTracking().Where(a => a.Status == AttemptStatus.Running && (owner == null || a.Node == owner)).ToListAsync(cancellationToken);
        var interrupted = 0;
        foreach (var attempt in orphans)
        {
            var spool = new AttemptSpool(executor.SpoolRoot, attempt.Id);
            var pid = attempt.ProcessGroupId ?? 0;
            var ended = spool.RecordedExit() is not null;
            if (spool.Exists && (ended || SpooledProcess.IsAlive(pid, attempt.Marker))
                && await engine.RunningOnAsync(attempt.Id, owner, cancellationToken) is { } adopted)
            {
                logger.LogInformation("Attempt {AttemptId} of run {RunId} was left running; its process {State}: followed on", attempt.Id, attempt.RunId, ended ? "has ended" : "still runs");
                _adopted.Add(Task.Run(() => executor.AdoptAsync(adopted, pid, _graceOver.Token), CancellationToken.None));
                continue;
            }

            var survivors = await ProcessTree.KillAllAsync(attempt.ProcessGroupId, attempt.Marker, grace, cancellationToken);
            var why = spool.Exists ? "its process ended without a recorded exit status" : "its output spool is gone, so it cannot be followed on";
            var message = $"Interrupted: EtlWeb stopped while this attempt ran on {attempt.Node}, and {why}."
                + (survivors.Count > 0 ? $" Processes still alive: {string.Join(", ", survivors)}." : "");
            logger.LogWarning("Attempt {AttemptId} of run {RunId} was left running and {Why}; marked Interrupted", attempt.Id, attempt.RunId, why);
            // Its cgroup, where it had one, still holds what the tree used.
            var meter = accounting.Existing(attempt.Id);
            var usage = meter?.Collect(spool.RecordedUsage());
            await engine.SettleAsync(attempt.Id, new AttemptOutcome(AttemptStatus.Interrupted, null, message, Usage: usage), null, owner, cancellationToken);
            spool.Delete();
            meter?.Release();
            interrupted++;
        }

        RemoveStaleSpools(orphans.Select(a => a.Id).ToHashSet());
        accounting.RemoveStale(orphans.Select(a => a.Id).ToHashSet());

        // On PostgreSQL Hangfire's queue outlives any node; the lease holder alone hands queued attempts to it again.
        var handedAgain = owner is null || lease.Held ? await RequeueAsync(db, cancellationToken) : 0;

        // Waiting runs may have become ready, failed upstream or timed out their wait while the node was down.
        await engine.DecideWaitingAsync(cancellationToken);
        if (orphans.Count + handedAgain > 0)
        {
            logger.LogInformation("Recovery: {Adopted} attempt(s) followed on, {Interrupted} interrupted, {Queued} queued attempt(s) handed to the queue again",
                _adopted.Count, interrupted, handedAgain);
        }
    }

    /// <summary>Spools of attempts that are not running here any more (settled just before a crash, or elsewhere): nothing reads them.</summary>
    private void RemoveStaleSpools(HashSet<long> runningHere)
    {
        if (!Directory.Exists(executor.SpoolRoot))
        {
            return;
        }

        foreach (var directory in Directory.EnumerateDirectories(executor.SpoolRoot))
        {
            if (long.TryParse(Path.GetFileName(directory), out var id) && !runningHere.Contains(id))
            {
                new AttemptSpool(executor.SpoolRoot, id).Delete();
            }
        }
    }

    private async Task<int> RequeueAsync(EtlDbContext db, CancellationToken cancellationToken)
    {
        var queued = await db.Attempts.AsNoTracking().Where(a => a.Status == AttemptStatus.Queued)
            .Where(a => db.Runs.Any(r => r.Id == a.RunId && (r.Status == RunStatus.Queued || r.Status == RunStatus.Running)))
            .Select(a => new { a.Id, a.NotBefore }).ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        foreach (var attempt in queued)
        {
            queue.Schedule(attempt.Id, attempt.NotBefore is { } due && due > now ? due - now : TimeSpan.Zero);
        }

        return queued.Count;
    }

    /// <summary>
    /// Kills what still runs of this node's attempts that have ended: another node took this one for lost and settled
    /// them (a retry may be running elsewhere). Found by the markers in the environments of this machine's processes.
    /// </summary>
    private async Task KillDisownedAsync(EtlDbContext db, string? owner, TimeSpan grace, CancellationToken cancellationToken)
    {
        var markers = ProcessTree.LiveMarkers().ToList();
        if (markers.Count == 0)
        {
            return;
        }

        var ended = await db.Attempts.AsNoTracking()
            .Where(a => markers.Contains(a.Marker) && a.Status != AttemptStatus.Running && (owner == null || a.Node == owner))
            .Select(a => new { a.Id, a.RunId, a.ProcessGroupId, a.Marker, a.Status })
            .ToListAsync(cancellationToken);
        foreach (var attempt in ended)
        {
            logger.LogWarning("Attempt {AttemptId} of run {RunId} ended {Status} elsewhere but its processes still ran here; stopping them",
                attempt.Id, attempt.RunId, attempt.Status);
            await ProcessTree.KillAllAsync(attempt.ProcessGroupId, attempt.Marker, grace, cancellationToken);
        }
    }

    /// <summary>Waits until the adopted attempts ended or were detached again, their logs stored.</summary>
    public async Task StopAsync(CancellationToken cancellationToken) => await Task.WhenAll(_adopted).WaitAsync(cancellationToken);

    public void Dispose() => _graceOver.Dispose();
}
