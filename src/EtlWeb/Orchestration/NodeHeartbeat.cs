using System.Reflection;
using EtlWeb.Configuration;
using EtlWeb.Core.Runs;
using EtlWeb.Data;
using EtlWeb.Security;
using EtlWeb.Settings;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EtlWeb.Orchestration;

/// <summary>
/// Writes this node's row in <c>nodes</c> at start, every <c>EtlWeb:Node:HeartbeatSeconds</c> where a cluster can exist
/// (PostgreSQL; on SQLite the one node is heard from while it runs, <see cref="NodeLiveness"/>) and at a graceful stop.
/// On PostgreSQL each beat also checks that every attempt running here is still this node's (when another node took
/// this one for lost, the process is stopped and its outcome dropped), and the scheduler lease's holder takes over the
/// running attempts of lost nodes (<see cref="LostNodes"/>).
/// </summary>
public sealed class NodeHeartbeat(
    IDbContextFactory<EtlDbContext> dbFactory,
    RunningAttempts running,
    SchedulerLease lease,
    LostNodes lostNodes,
    SettingsStore settings,
    IOptions<NodeOptions> nodeOptions,
    IOptions<DatabaseOptions> database,
    NodeLiveness liveness,
    TimeProvider time,
    ILogger<NodeHeartbeat> logger) : BackgroundService
{
    private readonly NodeOptions _node = nodeOptions.Value;

    /// <summary>EtlWeb's version, as the Nodes page shows it.</summary>
    public static string Version { get; } = (typeof(NodeHeartbeat).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown")
        .Split('+')[0];

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // EtlWeb's engine at work: it acts as itself, explicitly, and whatever it starts from here keeps that.
        using var system = CurrentActor.AsSystem();
        var now = time.GetUtcNow();
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var row = await db.Nodes.FirstOrDefaultAsync(n => n.Name == _node.EffectiveName, cancellationToken);
            if (row is null)
            {
                row = new ClusterNode { Name = _node.EffectiveName };
                db.Nodes.Add(row);
            }

            row.Role = _node.Role;
            row.Version = Version;
            row.StartedAt = now;
            row.StoppedAt = null;
            Fill(row, now);
            await db.SaveChangesAsync(cancellationToken);
        }

        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow();
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            await db.Nodes.Where(n => n.Name == _node.EffectiveName).ExecuteUpdateAsync(
                u => u.SetProperty(n => n.StoppedAt, now).SetProperty(n => n.LastHeartbeat, now).SetProperty(n => n.Running, 0).SetProperty(n => n.Scheduler, false),
                cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "The node's stop could not be recorded");
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // EtlWeb's engine at work: it acts as itself, explicitly, and whatever it starts from here keeps that.
        using var system = CurrentActor.AsSystem();
        if (!liveness.Beats)
        {
            return;
        }

        var period = TimeSpan.FromSeconds(_node.HeartbeatSeconds);
        try
        {
            while (true)
            {
                await Task.Delay(period, time, stoppingToken);
                try
                {
                    await BeatAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogError(ex, "The heartbeat of {Node} failed; it is tried again in {Period}", _node.EffectiveName, period);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync records it.
        }
    }

    /// <summary>One heartbeat: the row, then (PostgreSQL) the ownership check and, on the lease holder, the takeover.</summary>
    public async Task BeatAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var row = await db.Nodes.FirstOrDefaultAsync(n => n.Name == _node.EffectiveName, cancellationToken);
            if (row is null)
            {
                // Removed meanwhile (a database restored from a backup): written again, started now.
                row = new ClusterNode { Name = _node.EffectiveName, Role = _node.Role, Version = Version, StartedAt = now };
                db.Nodes.Add(row);
            }

            Fill(row, now);
            await db.SaveChangesAsync(cancellationToken);
        }

        if (!database.Value.IsPostgreSql)
        {
            return;
        }

        await StopDisownedAsync(cancellationToken);
        if (lease.Held)
        {
            await lostNodes.TakeOverAsync(now, cancellationToken);
        }
    }

    private void Fill(ClusterNode row, DateTimeOffset now)
    {
        row.LastHeartbeat = now;
        row.Running = running.Count;
        row.Workers = settings.RunningWorkerCount ?? 0;
        row.Scheduler = lease.Held;
    }

    /// <summary>Attempts running here that the database no longer gives to this node: their executors stop them.</summary>
    private async Task StopDisownedAsync(CancellationToken cancellationToken)
    {
        var mine = running.AttemptIds;
        if (mine.Count == 0)
        {
            return;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var name = _node.EffectiveName;
        var disowned = await db.Attempts.AsNoTracking()
            .Where(a => mine.Contains(a.Id) && (a.Status != AttemptStatus.Running || a.Node != name))
            .Select(a => a.Id).ToListAsync(cancellationToken);
        // An attempt that ended here after the snapshot above is no longer registered: Disown finds nothing to stop.
        foreach (var attemptId in disowned.Where(running.Disown))
        {
            logger.LogWarning("Attempt {AttemptId} runs here but another node settled it while {Node} was taken for lost; stopping it", attemptId, name);
        }
    }

}
