using System.Text.Json.Serialization;
using EtlWeb.Configuration;
using EtlWeb.Features.Webhooks;
using EtlWeb.Security;

namespace EtlWeb.Api;

/// <summary>A job's webhook as created or rotated: the token and the whole address to call.</summary>
public sealed record WebhookAddress(
    [property: JsonPropertyName("webhook_token")] string WebhookToken,
    [property: JsonPropertyName("url")] string Url);

internal static class WebhooksApi
{
    public static void MapWebhooksApi(this RouteGroupBuilder api)
    {
        api.MapPost("/jobs/{id:int}/webhook", async (int id, WebhookTokens tokens, PublicLinks links, CancellationToken ct) =>
                await tokens.CreateAsync(id, ct) is { } token
                    ? Results.Ok(new WebhookAddress(token, links.Hook(token)))
                    : NotFound(id))
            .WithTags("Webhooks")
            .RequireAuthorization(EtlPolicies.Operate)
            .WithSummary("Create the job's webhook, or rotate it: the old token stops working at once.")
            .Produces<WebhookAddress>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapDelete("/jobs/{id:int}/webhook", async (int id, WebhookTokens tokens, CancellationToken ct) =>
                await tokens.RemoveAsync(id, ct) ? Results.NoContent() : NotFound(id))
            .WithTags("Webhooks")
            .RequireAuthorization(EtlPolicies.Operate)
            .WithSummary("Remove the job's webhook.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);

        // The token in the address is the credential: the caller is another system, with no account or cookie.
        api.MapPost("/hooks/{token}", CallAsync)
            .AllowAnonymous()
            .WithMetadata(OpenBody.Instance)
            .WithTags("Webhooks")
            .WithSummary("Start the job's pipeline; a JSON object body's top-level values reach the job's run as ETL_HOOK_<KEY> variables.")
            .Produces(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
    }

    private static async Task<IResult> CallAsync(string token, HttpContext context, WebhookTrigger trigger, CancellationToken ct)
    {
        var body = context.Request.ContentLength > HookVariables.MaxBodyBytes ? null : await ReadBodyAsync(context.Request.Body, ct);
        if (body is null)
        {
            return Results.Problem($"The body is larger than {HookVariables.MaxBodyBytes / 1024} KiB.", statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        var outcome = await trigger.TriggerAsync(token, HookVariables.Parse(body.Value), context.Connection.RemoteIpAddress?.ToString(), ct);
        return outcome.Result switch
        {
            HookResult.Started => Results.Accepted($"/api/runs/{outcome.Run!.Id}", new { run_id = outcome.Run.Id, status = outcome.Run.Status.ToString() }),
            HookResult.BadInput => Results.Problem(outcome.Error, statusCode: StatusCodes.Status400BadRequest),
            HookResult.JobDisabled => Results.Problem(outcome.Error, statusCode: StatusCodes.Status409Conflict),

            // Nothing about why: a guessed, rotated or removed token all look alike.
            _ => Results.Problem("There is no webhook at this address.", statusCode: StatusCodes.Status404NotFound),
        };
    }

    /// <summary>The body, or null when it runs past the limit (a sender may leave out Content-Length).</summary>
    private static async Task<ReadOnlyMemory<byte>?> ReadBodyAsync(Stream stream, CancellationToken ct)
    {
        var buffer = new byte[HookVariables.MaxBodyBytes + 1];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), ct)) > 0)
        {
            total += read;
        }

        return total > HookVariables.MaxBodyBytes ? null : buffer.AsMemory(0, total);
    }

    private static IResult NotFound(int id) =>
        Results.Problem($"There is no job with id {id}.", statusCode: StatusCodes.Status404NotFound);
}
