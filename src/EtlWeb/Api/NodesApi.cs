using EtlWeb.Features.Nodes;

namespace EtlWeb.Api;

internal static class NodesApi
{
    public static void MapNodesApi(this RouteGroupBuilder api) =>
        api.MapGet("/nodes", async (NodeDirectory nodes, CancellationToken ct) => Results.Ok(await nodes.ListAsync(ct)))
            .WithTags("Nodes")
            .WithSummary("The nodes sharing this database: role, alive, lost or stopped, last heartbeat, running attempts, version.")
            .Produces<IReadOnlyList<NodeView>>();
}
