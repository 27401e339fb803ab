using System.Text.Json.Serialization;
using EtlWeb.Configuration;
using EtlWeb.Data;
using EtlWeb.Orchestration;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EtlWeb.Features.Nodes;

/// <summary>Whether a node is heard from.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<NodeState>))]
public enum NodeState
{
    /// <summary>Its heartbeat is recent.</summary>
    Alive,

    /// <summary>Silent past EtlWeb:Node:LostAfterSeconds: its running attempts were taken over.</summary>
    Lost,

    /// <summary>It stopped gracefully.</summary>
    Stopped,
}

/// <summary>A node as the Nodes page and <c>GET /api/nodes</c> show it.</summary>
public sealed record NodeView(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("state")] NodeState State,
    [property: JsonPropertyName("scheduler")] bool Scheduler,
    [property: JsonPropertyName("started_at")] DateTimeOffset StartedAt,
    [property: JsonPropertyName("last_heartbeat")] DateTimeOffset LastHeartbeat,
    [property: JsonPropertyName("stopped_at")] DateTimeOffset? StoppedAt,
    [property: JsonPropertyName("running")] int Running,
    [property: JsonPropertyName("workers")] int Workers,
    [property: JsonPropertyName("version")] string Version);

/// <summary>Reads the nodes' rows and judges each one alive, lost or stopped by this node's clock.</summary>
public sealed class NodeDirectory(IDbContextFactory<EtlDbContext> dbFactory, IOptions<NodeOptions> node, NodeLiveness liveness, RunningAttempts running, TimeProvider time)
{
    /// <summary>Alive nodes first (web before worker), then the others, newest heartbeat first.</summary>
    public async Task<IReadOnlyList<NodeView>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = (await db.Nodes.AsNoTracking().ToListAsync(cancellationToken)).Select(n => liveness.Current(n, running.Count)).ToList();
        var cutoff = time.GetUtcNow() - TimeSpan.FromSeconds(node.Value.LostAfterSeconds);
        return [.. rows
            .Select(n => new NodeView(
                n.Name,
                n.Role.ToString().ToLowerInvariant(),
                n.StoppedAt is not null ? NodeState.Stopped : n.LastHeartbeat < cutoff ? NodeState.Lost : NodeState.Alive,
                n.Scheduler && n.StoppedAt is null && n.LastHeartbeat >= cutoff,
                n.StartedAt,
                n.LastHeartbeat,
                n.StoppedAt,
                n.StoppedAt is null && n.LastHeartbeat >= cutoff ? n.Running : 0,
                n.Workers,
                n.Version))
            .OrderBy(n => n.State).ThenBy(n => n.Role == "web" ? 0 : 1).ThenByDescending(n => n.LastHeartbeat).ThenBy(n => n.Name)];
    }
}
