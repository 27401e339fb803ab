using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using EtlWeb.Core.Runs;
using EtlWeb.Features.Runs;
using EtlWeb.Orchestration;
using EtlWeb.Security;

namespace EtlWeb.Api;

/// <summary>What a cancel did: <c>Cancelled</c> at once (200), or <c>stopping</c> while the process tree is stopped (202).</summary>
public sealed record CancelAnswer([property: JsonPropertyName("status")] string Status);

/// <summary>
/// Body of a run request, all optional: <c>downstream</c> false runs the job alone; <c>params</c> gives values of the job's
/// declared parameters (the others take their defaults); <c>logical_date</c> is the instant the run is for (now when left out).
/// </summary>
public sealed record RunRequest(
    [property: JsonPropertyName("downstream")] bool? Downstream,
    [property: JsonPropertyName("params")] Dictionary<string, JsonElement>? Params = null,
    [property: JsonPropertyName("logical_date")] DateTimeOffset? LogicalDate = null);

internal static class RunsApi
{
    public static void MapRunsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/jobs/{id:int}/run", async (int id, bool? downstream, HttpRequest request, RunService runs, CancellationToken ct) =>
            {
                var (body, problem) = await JsonBody.ReadOptionalAsync<RunRequest>(request, ct);
                if (problem is not null)
                {
                    return problem;
                }

                if (downstream is { } query && body?.Downstream is { } field && query != field)
                {
                    return Results.ValidationProblem(new Dictionary<string, string[]>
                    {
                        ["downstream"] = [$"The address says downstream={query.ToString().ToLowerInvariant()} and the body says {field.ToString().ToLowerInvariant()}; give one."],
                    });
                }

                var outcome = await runs.TriggerAsync(id, TriggerKind.Api, downstream ?? body?.Downstream ?? true, body?.Params, body?.LogicalDate, ct);
                if (outcome.Invalid is { } invalid)
                {
                    return Results.ValidationProblem(invalid);
                }

                return outcome.Run is { } run
                    ? Results.Accepted($"/api/runs/{run.Id}", new { run_id = run.Id, status = run.Status.ToString() })
                    : Results.Problem(outcome.Refusal, statusCode: outcome.Refusal!.StartsWith("There is no", StringComparison.Ordinal) ? StatusCodes.Status404NotFound : StatusCodes.Status409Conflict);
            })
            .WithTags("Runs")
            .RequireAuthorization(EtlPolicies.Operate)
            .WithSummary("Trigger a pipeline run of the job now (downstream=false, in the address or the optional body, runs the job alone); params gives parameter values (400 names each bad or unknown one).")
            .Accepts<RunRequest>(isOptional: true, "application/json")
            .Produces(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        var group = api.MapGroup("/runs").WithTags("Runs");
        group.MapGet("/", (int? job_id, string? status, int? limit, DateTimeOffset? logical_from, DateTimeOffset? logical_to, long? backfill_id, string? folder, RunReader reader, CancellationToken ct) =>
            FolderFilter.ListAsync(folder, () => ListRunsAsync(job_id, status, limit, logical_from, logical_to, backfill_id, reader, ct)))
            .WithSummary("Run history, newest first; logical_from and logical_to (ISO 8601) keep the runs whose logical date is in that range, backfill_id the runs of one backfill, folder the runs of the jobs in that folder and below.")
            .Produces<IReadOnlyList<RunDocument>>()
            .ProducesValidationProblem();

        group.MapGet("/{id:long}", async (long id, RunReader reader, CancellationToken ct) =>
                await reader.GetAsync(id, ct) is { } run ? Results.Ok(run) : NotFound(id))
            .WithSummary("One run with its attempts.")
            .Produces<RunDocument>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id:long}/log", async (long id, string? stream, bool? follow, int? attempt, RunReader reader, StoredLog log, LogStreamer streamer, HttpContext context, CancellationToken ct) =>
            {
                LogStream? only = stream?.ToLowerInvariant() switch
                {
                    null or "" => null,
                    "stdout" => LogStream.Stdout,
                    "stderr" => LogStream.Stderr,
                    _ => (LogStream)0,
                };
                if (only == 0)
                {
                    return Results.ValidationProblem(new Dictionary<string, string[]> { ["stream"] = ["stream must be stdout or stderr."] });
                }

                if (await reader.GetAsync(id, ct) is not { } run)
                {
                    return NotFound(id);
                }

                var one = attempt is { } number ? run.Attempts.FirstOrDefault(a => a.Number == number) : null;
                if (attempt is not null && (one is null || follow == true))
                {
                    return Results.ValidationProblem(new Dictionary<string, string[]>
                    {
                        ["attempt"] = [one is null ? $"Run {id} has no attempt {attempt}." : "follow streams the whole run; leave out attempt to follow."],
                    });
                }

                context.Response.ContentType = "text/plain; charset=utf-8";
                await using var writer = new StreamWriter(context.Response.Body, new UTF8Encoding(false), 64 * 1024);
                if (one is null)
                {
                    await streamer.WriteAsync(id, only, follow ?? false, writer, ct);
                    return Results.Empty;
                }

                // One attempt's stored lines, as the log viewer's download offers them.
                await foreach (var line in log.ReadAsync(one.Id, 0, ct))
                {
                    if (only is null || line.Stream == only)
                    {
                        await writer.WriteLineAsync(line.Text);
                    }
                }

                return Results.Empty;
            })
            .WithSummary("The run's log as text; attempt=N gives one attempt's lines; follow=true streams until the run ends.")
            .Produces<string>(contentType: "text/plain")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{id:long}/rerun", async (long id, RunService runs, CancellationToken ct) =>
                await runs.RerunFailedAsync(id, ct) switch
                {
                    null => NotFound(id),
                    { Refusal: { } refusal } => Results.Problem(refusal, statusCode: StatusCodes.Status409Conflict),
                    var outcome => Results.Accepted($"/api/runs/{id}", new { run_ids = outcome.RunIds }),
                })
            .RequireAuthorization(EtlPolicies.Operate)
            .WithSummary("Re-run the part of this run's pipeline run that did not succeed; 409 when a job to re-run is disabled.")
            .Produces(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPost("/{id:long}/cancel", async (long id, RunService runs, CancellationToken ct) =>
                await runs.CancelAsync(id, ct) switch
                {
                    CancelResult.NotFound => NotFound(id),
                    CancelResult.AlreadyFinished => Results.Problem($"Run {id} has already finished.", statusCode: StatusCodes.Status409Conflict),
                    CancelResult.Stopping => Results.Accepted($"/api/runs/{id}", new CancelAnswer("stopping")),
                    _ => Results.Ok(new CancelAnswer(nameof(RunStatus.Cancelled))),
                })
            .RequireAuthorization(EtlPolicies.Operate)
            .WithSummary("Cancel a queued, waiting or running run.")
            .Produces<CancelAnswer>()
            .Produces<CancelAnswer>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static IResult NotFound(long id) =>
        Results.Problem($"There is no run with id {id}.", statusCode: StatusCodes.Status404NotFound);

    private static async Task<IResult> ListRunsAsync(
        int? jobId, string? status, int? limit, DateTimeOffset? logicalFrom, DateTimeOffset? logicalTo, long? backfillId, RunReader reader, CancellationToken ct)
    {
        RunStatus? parsed = null;
        if (!string.IsNullOrEmpty(status))
        {
            if (!Enum.TryParse<RunStatus>(status, ignoreCase: true, out var value))
            {
                return Results.ValidationProblem(new Dictionary<string, string[]>
                {
                    ["status"] = [$"'{status}' is not a run status; use one of {string.Join(", ", Enum.GetNames<RunStatus>())}."],
                });
            }

            parsed = value;
        }

        return Results.Ok(await reader.ListAsync(jobId, parsed, limit ?? 100, logicalFrom, logicalTo, backfillId, ct));
    }
}
