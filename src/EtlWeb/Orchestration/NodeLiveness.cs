using EtlWeb.Configuration;
using EtlWeb.Data;
using Microsoft.Extensions.Options;

namespace EtlWeb.Orchestration;

/// <summary>
/// Whether nodes beat: only where a cluster can exist (PostgreSQL). On SQLite there is one node, this process; its row
/// is written when it starts and stops, and while it runs it is heard from now, with the attempts running here now.
/// </summary>
public sealed class NodeLiveness(IOptions<DatabaseOptions> database, IOptions<NodeOptions> node, RunningAttempts running, TimeProvider time)
{
    /// <summary>Whether this node writes a heartbeat every <c>EtlWeb:Node:HeartbeatSeconds</c>.</summary>
    public bool Beats => database.Value.IsPostgreSql;

    /// <summary>The row as the Nodes page and the metrics show it: on SQLite this running node's row is current.</summary>
    public ClusterNode Current(ClusterNode row)
    {
        if (!Beats && row.StoppedAt is null && row.Name == node.Value.EffectiveName)
        {
            row.LastHeartbeat = time.GetUtcNow();
            row.Running = running.Count;
        }

        return row;
    }
}
