using EtlWeb.Features.Backfills;
using EtlWeb.Security;

namespace EtlWeb.Api;

internal static class BackfillsApi
{
    public static void MapBackfillsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/jobs/{id:int}/backfills", async (int id, HttpRequest request, BackfillService backfills, CancellationToken ct) =>
            {
                var (body, problem) = await JsonBody.ReadOptionalAsync<BackfillRequest>(request, ct);
                if (problem is not null)
                {
                    return problem;
                }

                var outcome = await backfills.CreateAsync(id, body ?? new BackfillRequest(null, null), ct);
                return outcome switch
                {
                    { NotFound: true } => Results.Problem(outcome.Refusal, statusCode: StatusCodes.Status404NotFound),
                    { Invalid: { } invalid } => Results.ValidationProblem(invalid),
                    { Refusal: { } refusal } => Results.Problem(refusal, statusCode: StatusCodes.Status409Conflict),
                    { Backfill: { Id: null } plan } => Results.Ok(plan),
                    { Backfill: { } created } => Results.Created($"/api/backfills/{created.Id}", created),
                    _ => Results.Problem(statusCode: StatusCodes.Status500InternalServerError),
                };
            })
            .WithTags("Backfills")
            .RequireAuthorization(EtlPolicies.Operate)
            .WithSummary("Backfill the job's schedule over a past range: one pipeline run per due time, max_parallel at a time; dry_run lists the due times and starts nothing.")
            .Accepts<BackfillRequest>("application/json")
            .Produces<BackfillDocument>()
            .Produces<BackfillDocument>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        api.MapGet("/jobs/{id:int}/backfills", async (int id, BackfillService backfills, CancellationToken ct) =>
                await backfills.ListAsync(id, ct) is { } list
                    ? Results.Ok(list)
                    : Results.Problem($"There is no job with id {id}.", statusCode: StatusCodes.Status404NotFound))
            .WithTags("Backfills")
            .WithSummary("The job's latest backfills, newest first, with their counts (without their due times).")
            .Produces<IReadOnlyList<BackfillDocument>>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        var group = api.MapGroup("/backfills").WithTags("Backfills");
        group.MapGet("/{id:long}", async (long id, BackfillService backfills, CancellationToken ct) =>
                await backfills.GetAsync(id, ct) is { } backfill ? Results.Ok(backfill) : NotFound(id))
            .WithSummary("One backfill: its status, counts and every due time with its run.")
            .Produces<BackfillDocument>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{id:long}/cancel", async (long id, BackfillService backfills, CancellationToken ct) =>
                await backfills.CancelAsync(id, ct) switch
                {
                    null => NotFound(id),
                    false => Results.Problem($"Backfill {id} has already finished or been cancelled.", statusCode: StatusCodes.Status409Conflict),
                    true => Results.Ok(await backfills.GetAsync(id, ct)),
                })
            .RequireAuthorization(EtlPolicies.Operate)
            .WithSummary("Cancel the rest of a backfill: no further due time starts and its waiting, queued and running runs are cancelled.")
            .Produces<BackfillDocument>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static IResult NotFound(long id) =>
        Results.Problem($"There is no backfill with id {id}.", statusCode: StatusCodes.Status404NotFound);
}
