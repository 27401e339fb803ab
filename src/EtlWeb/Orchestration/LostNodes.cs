using EtlWeb.Configuration;
using EtlWeb.Core.Execution;
using EtlWeb.Core.Runs;
using EtlWeb.Data;
using EtlWeb.Settings;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EtlWeb.Orchestration;

/// <summary>
/// The scheduler lease's holder takes over the running attempts of nodes silent for <c>EtlWeb:Node:LostAfterSeconds</c>:
/// it kills their processes if they run on its own machine, records them Interrupted through the engine (only while
/// each is still Running on the lost node) and lets each run's retry policy decide; the retry goes to any node.
/// </summary>
public sealed class LostNodes(
    IDbContextFactory<EtlDbContext> dbFactory,
    RunEngine engine,
    SettingsStore settings,
    IOptions<NodeOptions> nodeOptions,
    ILogger<LostNodes> logger)
{
    private readonly NodeOptions _node = nodeOptions.Value;

    /// <summary>The running attempts of nodes silent past the limit: Interrupted, and retried per their job's policy.</summary>
    public async Task TakeOverAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var cutoff = now - TimeSpan.FromSeconds(_node.LostAfterSeconds);
        List<LostAttempt> lost;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            lost = await db.Attempts.AsNoTracking()
                .Where(a => a.Status == AttemptStatus.Running && !db.Nodes.Any(n => n.Name == a.Node && n.LastHeartbeat >= cutoff))
                .Select(a => new LostAttempt(a.Id, a.RunId, a.Node ?? "", a.Marker,
                    db.Nodes.Where(n => n.Name == a.Node).Select(n => (DateTimeOffset?)n.LastHeartbeat).FirstOrDefault()))
                .ToListAsync(cancellationToken);
        }

        var grace = TimeSpan.FromSeconds(settings.Current.Execution.KillGraceSeconds);
        foreach (var attempt in lost)
        {
            // The marker is this attempt's alone, so this stops nothing else; it finds the processes only if the lost
            // node ran on this machine. Done before the retry is queued, so the two never run side by side here.
            await ProcessTree.KillAllAsync(null, attempt.Marker, grace, cancellationToken);
            var silentSince = attempt.LastHeartbeat is { } beat ? $"its last heartbeat was at {beat:O}" : "it never sent a heartbeat";
            var message = $"Interrupted: node {attempt.Node} was lost ({silentSince}, limit {_node.LostAfterSeconds} s); taken over by {_node.EffectiveName}.";
            if (await engine.SettleAsync(attempt.Id, new AttemptOutcome(AttemptStatus.Interrupted, null, message), null, attempt.Node, cancellationToken))
            {
                logger.LogWarning("Attempt {AttemptId} of run {RunId} was running on lost node {Lost}; marked Interrupted", attempt.Id, attempt.RunId, attempt.Node);
            }
        }
    }

    private sealed record LostAttempt(long Id, long RunId, string Node, string Marker, DateTimeOffset? LastHeartbeat);
}
