using EtlWeb.Core.Jobs;
using EtlWeb.Features.Jobs;
using EtlWeb.Orchestration;
using EtlWeb.Security;

namespace EtlWeb.Api;

internal static class JobsApi
{
    public static void MapJobsApi(this RouteGroupBuilder api)
    {
        var jobs = api.MapGroup("/jobs").WithTags("Jobs");

        jobs.MapGet("/", (string? folder, int? limit, string? after, HttpResponse response, JobCatalog catalog, CancellationToken ct) =>
                FolderFilter.ListAsync(folder, () => JobPages.ListAsync(folder, limit, after, response, catalog, ct)))
            .WithSummary("List every job with its status, last run and next run, in name order; folder=finance keeps the jobs of that folder and the folders below it; limit=100 answers a page and a Link header (rel=\"next\") to the next one, after=NAME starts after that job.")
            .Produces<IReadOnlyList<JobDocument>>()
            .ProducesValidationProblem();

        jobs.MapGet("/{id:int}", async (int id, JobCatalog catalog, CancellationToken ct) =>
                await catalog.GetAsync(id, ct) is { } job ? Results.Ok(job) : NotFound(id))
            .WithSummary("Read one job.")
            .Produces<JobDocument>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        jobs.MapPost("/", async (HttpRequest request, JobCatalog catalog, CancellationToken ct) =>
            {
                var (document, problem) = await JsonBody.ReadAsync<JobDocument>(request, ct);
                if (problem is not null)
                {
                    return problem;
                }

                try
                {
                    var created = await catalog.CreateAsync(document!, ct);
                    return Results.Created($"/api/jobs/{created.Id}", created);
                }
                catch (JobValidationException ex)
                {
                    return Results.ValidationProblem(ex.Errors.ToDictionary());
                }
            })
            .RequireAuthorization(EtlPolicies.EditJobs)
            .WithSummary("Create a job.")
            .Accepts<JobDocument>("application/json")
            .Produces<JobDocument>(StatusCodes.Status201Created)
            .ProducesValidationProblem();

        jobs.MapPut("/{id:int}", async (int id, HttpRequest request, JobCatalog catalog, CancellationToken ct) =>
            {
                var (document, problem) = await JsonBody.ReadAsync<JobDocument>(request, ct);
                if (problem is not null)
                {
                    return problem;
                }

                try
                {
                    return await catalog.UpdateAsync(id, document!, ct) is { } updated ? Results.Ok(updated) : NotFound(id);
                }
                catch (JobValidationException ex)
                {
                    return Results.ValidationProblem(ex.Errors.ToDictionary());
                }
            })
            .RequireAuthorization(EtlPolicies.EditJobs)
            .WithSummary("Replace a job.")
            .Accepts<JobDocument>("application/json")
            .Produces<JobDocument>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        jobs.MapDelete("/{id:int}", async (int id, JobCatalog catalog, CancellationToken ct) =>
                await catalog.DeleteAsync(id, ct) ? Results.NoContent() : NotFound(id))
            .RequireAuthorization(EtlPolicies.EditJobs)
            .WithSummary("Delete a job and every dependency edge that touches it.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);

        jobs.MapPost("/{id:int}/enable", async (int id, JobCatalog catalog, CancellationToken ct) =>
                await catalog.SetEnabledAsync(id, true, ct) ? Results.NoContent() : NotFound(id))
            .RequireAuthorization(EtlPolicies.EditJobs)
            .WithSummary("Enable a job.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);

        jobs.MapPost("/{id:int}/disable", async (int id, JobCatalog catalog, CancellationToken ct) =>
                await catalog.SetEnabledAsync(id, false, ct) ? Results.NoContent() : NotFound(id))
            .RequireAuthorization(EtlPolicies.EditJobs)
            .WithSummary("Disable a job: it neither fires nor is started by its upstream jobs.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);

        jobs.MapGet("/{id:int}/environment", async (int id, JobCatalog catalog, PythonEnvironments environments, CancellationToken ct) =>
                await catalog.GetAsync(id, ct) is not { } job ? NotFound(id)
                : environments.Describe(job) is { } environment ? Results.Ok(environment)
                : Results.Problem($"Job {id} is not a Python job with requirements: it has no environment.", statusCode: StatusCodes.Status404NotFound))
            .WithSummary("Read the Python environment of a Python job with requirements: its key, its state (ready, building, failed, missing) and its latest build's log.")
            .Produces<PythonEnvironmentDocument>()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static IResult NotFound(int id) =>
        Results.Problem($"There is no job with id {id}.", statusCode: StatusCodes.Status404NotFound);
}
