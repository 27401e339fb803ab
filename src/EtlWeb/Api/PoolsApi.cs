using System.Text.Json.Serialization;
using EtlWeb.Features.Pools;
using EtlWeb.Security;

namespace EtlWeb.Api;

/// <summary>Body of a pool: its name and its slot count.</summary>
public sealed record PoolBody([property: JsonPropertyName("name")] string? Name, [property: JsonPropertyName("slots")] int Slots);

internal static class PoolsApi
{
    public static void MapPoolsApi(this RouteGroupBuilder api)
    {
        var pools = api.MapGroup("/pools").WithTags("Pools");
        pools.MapGet("/", async (PoolDirectory directory, CancellationToken ct) => Results.Ok(await directory.ListAsync(ct)))
            .WithSummary("The pools: each with its slots, the slots its running attempts hold now, and its jobs.")
            .Produces<IReadOnlyList<PoolView>>();

        pools.MapPost("/", async (PoolBody body, PoolCatalog catalog, CancellationToken ct) =>
                Answer(await catalog.CreateAsync(body.Name?.Trim(), body.Slots, ct), () => Results.Created($"/api/pools/{body.Name!.Trim()}", new PoolBody(body.Name!.Trim(), body.Slots))))
            .RequireAuthorization(EtlPolicies.Administer)
            .WithSummary("Create a pool: at most `slots` slots of its jobs' attempts run at once, across the cluster. Audited.")
            .Produces<PoolBody>(StatusCodes.Status201Created)
            .ProducesValidationProblem();

        pools.MapPut("/{name}", async (string name, PoolBody body, PoolCatalog catalog, CancellationToken ct) =>
                Answer(await catalog.UpdateAsync(name, body.Name?.Trim(), body.Slots, ct), () => Results.Ok(new PoolBody(name, body.Slots))))
            .RequireAuthorization(EtlPolicies.Administer)
            .WithSummary("Change a pool's slots; more slots start waiting attempts at once. A pool keeps its name. Audited.")
            .Produces<PoolBody>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        pools.MapDelete("/{name}", async (string name, PoolCatalog catalog, CancellationToken ct) =>
                Answer(await catalog.DeleteAsync(name, ct), Results.NoContent))
            .RequireAuthorization(EtlPolicies.Administer)
            .WithSummary("Remove a pool that no job belongs to. Audited.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static IResult Answer((PoolChange Result, Core.Jobs.ValidationErrors Errors) change, Func<IResult> done) => change.Result switch
    {
        PoolChange.Done => done(),
        PoolChange.Missing => Results.Problem("There is no such pool.", statusCode: StatusCodes.Status404NotFound, title: "Not found"),
        _ => Results.ValidationProblem(change.Errors.ToDictionary()),
    };
}
