using EtlWeb.Features.Connections;
using EtlWeb.Security;

namespace EtlWeb.Api;

internal static class ConnectionsApi
{
    public static void MapConnectionsApi(this RouteGroupBuilder api)
    {
        var connections = api.MapGroup("/connections").WithTags("Connections");
        connections.MapGet("/", async (ConnectionDirectory directory, CancellationToken ct) => Results.Ok(await directory.ListAsync(ct)))
            .RequireAuthorization(EtlPolicies.Operate)
            .WithSummary("The named database connections SQL jobs use, each with the jobs that use it; never a password, only has_password.")
            .Produces<IReadOnlyList<ConnectionView>>();

        connections.MapPost("/", async (ConnectionBody body, ConnectionCatalog catalog, ConnectionDirectory directory, CancellationToken ct) =>
            {
                var change = await catalog.CreateAsync(body, ct);
                var name = body.Name!.Trim();
                return change.Result == ConnectionChange.Done
                    ? Results.Created($"/api/connections/{name}", (await directory.ListAsync(ct)).Single(c => c.Name == name))
                    : Answer(change, Missing);
            })
            .RequireAuthorization(EtlPolicies.Administer)
            .WithSummary("Add a connection: kind postgresql, mysql, sqlserver or sqlite, with host, port, database, user, password (write-only, stored encrypted) and options. Audited.")
            .Produces<ConnectionView>(StatusCodes.Status201Created)
            .ProducesValidationProblem();

        connections.MapPut("/{name}", async (string name, ConnectionBody body, ConnectionCatalog catalog, CancellationToken ct) =>
                Answer(await catalog.UpdateAsync(name, body, ct), Results.NoContent))
            .RequireAuthorization(EtlPolicies.Administer)
            .WithSummary("Change a connection (it keeps its name); leave out password to keep the saved one, send \"\" to remove it. Audited.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        connections.MapDelete("/{name}", async (string name, ConnectionCatalog catalog, CancellationToken ct) =>
                Answer(await catalog.DeleteAsync(name, ct), Results.NoContent))
            .RequireAuthorization(EtlPolicies.Administer)
            .WithSummary("Remove a connection no job uses. Audited.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        connections.MapPost("/{name}/test", async (string name, ConnectionTester tester, CancellationToken ct) =>
                await tester.TestAsync(name, ct) is { } test ? Results.Ok(test) : Missing())
            .RequireAuthorization(EtlPolicies.Operate)
            .WithSummary("Run SELECT 1 through the connection's client, as its jobs would: succeeded, a message and the client's output.")
            .Produces<ConnectionTest>()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static IResult Missing() => Results.Problem("There is no such connection.", statusCode: StatusCodes.Status404NotFound, title: "Not found");

    private static IResult Answer((ConnectionChange Result, Core.Jobs.ValidationErrors Errors) change, Func<IResult> done) => change.Result switch
    {
        ConnectionChange.Done => done(),
        ConnectionChange.Missing => Missing(),
        _ => Results.ValidationProblem(change.Errors.ToDictionary()),
    };
}
