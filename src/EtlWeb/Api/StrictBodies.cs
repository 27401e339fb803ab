using System.Text;
using System.Text.Json;
using EtlWeb.Core.Documents;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace EtlWeb.Api;

/// <summary>Metadata of the routes whose request body may hold only the fields its type reads.</summary>
internal sealed class StrictBody
{
    public static readonly StrictBody Instance = new();
}

/// <summary>
/// Metadata of a route that reads fields it does not declare on purpose: a webhook's body becomes variables, an
/// import reads the desktop tool's extra fields and lists them in its report.
/// </summary>
internal sealed class OpenBody
{
    public static readonly OpenBody Instance = new();
}

/// <summary>
/// Refuses a request body with a field the route does not read, before the route runs: 400 naming each field, with
/// a "did you mean" when a known field is close. A route that declares no body takes an empty one, <c>{}</c> or
/// <c>null</c>. Malformed JSON is left to the route, which names the line.
/// </summary>
internal sealed class StrictBodies(RequestDelegate next, IOptions<JsonOptions> json)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<StrictBody>() is null
            || endpoint.Metadata.GetMetadata<OpenBody>() is not null
            || context.Features.Get<IHttpRequestBodyDetectionFeature>() is not { CanHaveBody: true })
        {
            await next(context);
            return;
        }

        var declared = endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
        if (declared is not null && !context.Request.HasJsonContentType())
        {
            await next(context);
            return;
        }

        context.Request.EnableBuffering();
        var body = await ReadAsync(context.Request.Body, context.RequestAborted);
        context.Request.Body.Position = 0;
        if (Problems(body, declared) is { Count: > 0 } problems)
        {
            var detail = declared is null
                ? "This route takes no body."
                : $"The body has {(problems.Count == 1 ? "a field" : "fields")} this route does not read: {string.Join(", ", problems.Keys)}.";
            await Results.ValidationProblem(problems, detail).ExecuteAsync(context);
            return;
        }

        await next(context);
    }

    private Dictionary<string, string[]> Problems(byte[] body, Type? declared)
    {
        if (Encoding.UTF8.GetString(body).Trim().Length == 0)
        {
            return [];
        }

        var options = json.Value.SerializerOptions;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { AllowTrailingCommas = options.AllowTrailingCommas, CommentHandling = options.ReadCommentHandling });
        }
        catch (JsonException)
        {
            return declared is null ? new() { ["body"] = ["This route takes no body; send none, or {}."] } : [];
        }

        using (document)
        {
            var root = document.RootElement;
            if (declared is not null)
            {
                try
                {
                    return UnknownFields.Find(root, declared, options).GroupBy(u => u.Path).ToDictionary(g => g.Key, g => g.Select(u => u.Message).ToArray());
                }
                catch (InvalidOperationException ex)
                {
                    // JSON allows escapes such as "\udfff" that are not text; the reader refuses to make a name of them.
                    return new() { ["body"] = [$"A field name is not valid text: {ex.Message}"] };
                }
            }

            return root.ValueKind switch
            {
                JsonValueKind.Null => [],
                JsonValueKind.Object => root.EnumerateObject().Select(f => f.Name).Distinct(StringComparer.Ordinal)
                    .ToDictionary(name => name, name => new[] { $"Unknown field '{name}': this route takes no body." }),
                _ => new() { ["body"] = ["This route takes no body; send none, or {}."] },
            };
        }
    }

    private static async Task<byte[]> ReadAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }
}
