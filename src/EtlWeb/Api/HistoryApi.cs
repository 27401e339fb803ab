using EtlWeb.Core.Jobs;
using EtlWeb.Features.Jobs;
using EtlWeb.Features.Runs;
using EtlWeb.Security;

namespace EtlWeb.Api;

/// <summary>What happened to a job: its revisions (with restore), its fire timeline, and two of its runs compared.</summary>
internal static class HistoryApi
{
    public static void MapHistoryApi(this RouteGroupBuilder api)
    {
        var jobs = api.MapGroup("/jobs/{id:int}").WithTags("History");

        jobs.MapGet("/revisions", async (int id, JobHistory history, CancellationToken ct) =>
                await history.ListAsync(id, ct) is { } revisions ? Results.Ok(revisions) : NotFound($"There is no job with id {id}."))
            .WithSummary("List the job's revisions, newest first: number, author, time and the fields each changed.")
            .Produces<IReadOnlyList<RevisionDocument>>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        jobs.MapGet("/revisions/{n:int}", async (int id, int n, JobHistory history, CancellationToken ct) =>
                await history.GetAsync(id, n, ct) is { } revision ? Results.Ok(revision) : NotFound($"Job {id} has no revision {n}."))
            .WithSummary("Read one revision of the job, with the job document as of it (secret values left out).")
            .Produces<RevisionDocument>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        jobs.MapPost("/revisions/{n:int}/restore", async (int id, int n, JobHistory history, CancellationToken ct) =>
            {
                try
                {
                    return await history.RestoreAsync(id, n, ct) is { } job ? Results.Ok(job) : NotFound($"Job {id} has no revision {n}.");
                }
                catch (JobValidationException ex)
                {
                    return Results.ValidationProblem(ex.Errors.ToDictionary());
                }
            })
            .RequireAuthorization(EtlPolicies.EditJobs)
            .WithSummary("Make a new revision equal to an old one (secret variables keep their current values).")
            .Produces<JobDocument>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        jobs.MapGet("/fires", async (int id, DateTimeOffset? from, DateTimeOffset? to, FireHistory fires, TimeProvider time, CancellationToken ct) =>
            {
                var end = to ?? time.GetUtcNow();
                var start = from ?? end.AddDays(-7);
                if (start > end)
                {
                    return Results.ValidationProblem(new Dictionary<string, string[]> { ["from"] = ["'from' must be before 'to'."] });
                }

                try
                {
                    return await fires.ListAsync(id, start, end, ct) is { } list ? Results.Ok(list) : NotFound($"There is no job with id {id}.");
                }
                catch (FireRangeException ex)
                {
                    return Results.ValidationProblem(new Dictionary<string, string[]> { ["from"] = [ex.Message] });
                }
            })
            .WithSummary("Every due time of the job's schedule from 'from' to 'to' (ISO 8601; default the last 7 days) with what became of it: ran, skipped_overlap, misfire_skipped, caught_up, paused, skip_next, disabled, down or blocked.")
            .Produces<IReadOnlyList<FireDocument>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/runs/{id:long}/compare/{other:long}", async (long id, long other, RunComparer comparer, CancellationToken ct) =>
            {
                try
                {
                    return await comparer.CompareAsync(id, other, ct) is { } comparison
                        ? Results.Ok(comparison)
                        : NotFound($"There is no run {(await comparer.ExistsAsync(id, ct) ? other : id)}.");
                }
                catch (ArgumentException ex)
                {
                    return Results.Problem(ex.Message, statusCode: StatusCodes.Status400BadRequest);
                }
            })
            .WithTags("History")
            .WithSummary("Compare a run with another run of the same job: definition, parameters, logical date, environment names, interpreter, exit code, duration, attempts, and where the logs first differ ('old' is the other run's, 'new' this run's).")
            .Produces<RunComparisonDocument>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static IResult NotFound(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status404NotFound);
}
