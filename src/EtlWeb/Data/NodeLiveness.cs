using EtlWeb.Configuration;
using Microsoft.Extensions.Options;

namespace EtlWeb.Data;

/// <summary>
/// Whether nodes beat: only where a cluster can exist (PostgreSQL). On SQLite there is one node, this process; its row
/// is written when it starts and stops, and while it runs it is heard from now.
/// </summary>
public sealed class NodeLiveness(IOptions<DatabaseOptions> database, IOptions<NodeOptions> node, TimeProvider time)
{
    /// <summary>Whether this node writes a heartbeat every <c>EtlWeb:Node:HeartbeatSeconds</c>.</summary>
    public bool Beats => database.Value.IsPostgreSql;

    /// <summary>
    /// The row as the Nodes page and the metrics show it: on SQLite this running node's row is current, heard from now
    /// and with <paramref name="running"/> attempts when it is given.
    /// </summary>
    public ClusterNode Current(ClusterNode row, int? running = null)
    {
        if (!Beats && row.StoppedAt is null && row.Name == node.Value.EffectiveName)
        {
            row.LastHeartbeat = time.GetUtcNow();
            row.Running = running ?? row.Running;
        }

        return row;
    }
}
