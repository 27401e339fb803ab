using System.Text.Json.Serialization;
using EtlWeb.Features.Jobs;
using EtlWeb.Security;

namespace EtlWeb.Api;

/// <summary>Body of a pause: scheduled fires wait until this time.</summary>
public sealed record PauseRequest([property: JsonPropertyName("until")] DateTimeOffset? Until);

/// <summary>The scheduled fire a skip-next recorded as Skipped.</summary>
public sealed record SkippedFire([property: JsonPropertyName("skipped_fire_at")] DateTimeOffset SkippedFireAt);

internal static class ScheduleApi
{
    public static void MapScheduleApi(this RouteGroupBuilder api)
    {
        var jobs = api.MapGroup("/jobs/{id:int}").WithTags("Schedules").RequireAuthorization(EtlPolicies.Operate);

        jobs.MapPost("/pause", async (int id, HttpRequest request, ScheduleControl control, TimeProvider time, CancellationToken ct) =>
            {
                var (body, problem) = await JsonBody.ReadAsync<PauseRequest>(request, ct);
                if (problem is not null)
                {
                    return problem;
                }

                if (body!.Until is not { } until || until <= time.GetUtcNow())
                {
                    return Results.ValidationProblem(new Dictionary<string, string[]> { ["until"] = ["Give a time in the future (ISO 8601, e.g. 2030-01-01T08:00:00Z)."] });
                }

                return await control.PauseAsync(id, until, ct) ? Results.NoContent() : NotFound(id);
            })
            .WithSummary("Pause the job's schedule until a time: no scheduled fire before it.")
            .Accepts<PauseRequest>("application/json")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        jobs.MapPost("/resume", async (int id, ScheduleControl control, CancellationToken ct) =>
                await control.PauseAsync(id, null, ct) ? Results.NoContent() : NotFound(id))
            .WithSummary("End a pause of the job's schedule.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);

        jobs.MapPost("/skip-next", async (int id, ScheduleControl control, JobCatalog catalog, CancellationToken ct) =>
            {
                if (await catalog.GetAsync(id, ct) is null)
                {
                    return NotFound(id);
                }

                return await control.SkipNextAsync(id, ct) is { } skipped
                    ? Results.Ok(new SkippedFire(skipped))
                    : Results.Problem("The job has no upcoming scheduled fire to skip.", statusCode: StatusCodes.Status409Conflict);
            })
            .WithSummary("Record the job's next scheduled fire as Skipped instead of running it.")
            .Produces<SkippedFire>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static IResult NotFound(int id) =>
        Results.Problem($"There is no job with id {id}.", statusCode: StatusCodes.Status404NotFound);
}
