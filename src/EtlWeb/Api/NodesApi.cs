using System.Text.Json.Serialization;
using EtlWeb.Features.Nodes;
using EtlWeb.Orchestration;
using EtlWeb.Security;

namespace EtlWeb.Api;

/// <summary>The answer to a restart request: the node that restarts.</summary>
public sealed record RestartAnswer([property: JsonPropertyName("node")] string Node, [property: JsonPropertyName("status")] string Status);

internal static class NodesApi
{
    public static void MapNodesApi(this RouteGroupBuilder api)
    {
        api.MapGet("/nodes", async (NodeDirectory nodes, CancellationToken ct) => Results.Ok(await nodes.ListAsync(ct)))
            .WithTags("Nodes")
            .WithSummary("The nodes sharing this database: role, alive, lost or stopped, last heartbeat, running attempts, version.")
            .Produces<IReadOnlyList<NodeView>>();

        api.MapPost("/restart", async (NodeRestart restart, RunEngine engine, CancellationToken ct) =>
                await restart.RequestAsync(engine.NodeName, ct)
                    ? Results.Accepted(value: new RestartAnswer(engine.NodeName, "restarting"))
                    : Results.Problem($"{engine.NodeName} is restarting already.", statusCode: StatusCodes.Status409Conflict, title: "Restarting already"))
            .WithTags("Nodes")
            .RequireAuthorization(EtlPolicies.Administer)
            .WithSummary("Restarts the node that answers: a graceful stop per EtlWeb:StopPolicy (running jobs run on under Detach and are adopted), then exit code 75, on which the image's init or a systemd unit starts it again.")
            .Produces<RestartAnswer>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }
}
