using System.Text.Json;

namespace EtlWeb.Api;

/// <summary>Reads a JSON body so a malformed one is answered with problem details naming the field or line.</summary>
internal static class JsonBody
{
    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var value = await request.ReadFromJsonAsync<T>(cancellationToken);
            return value is null
                ? (default, Results.Problem("The request body is empty; send a JSON object.", statusCode: StatusCodes.Status400BadRequest))
                : (value, null);
        }
        catch (JsonException ex)
        {
            var field = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "body" : ex.Path.TrimStart('$', '.');
            var message = $"Line {ex.LineNumber + 1}, position {ex.BytePositionInLine + 1}: the value is not valid here ({ex.Message.Split(" Path:")[0]})";
            return (default, Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }));
        }
        catch (InvalidOperationException ex) when (!request.HasJsonContentType())
        {
            return (default, Results.Problem(ex.Message, statusCode: StatusCodes.Status415UnsupportedMediaType));
        }
    }

    /// <summary>Like <see cref="ReadAsync{T}"/>, for a body that may be left out: no body reads as null.</summary>
    public static async Task<(T? Value, IResult? Problem)> ReadOptionalAsync<T>(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature>() is not { CanHaveBody: true })
        {
            return (default, null);
        }

        request.EnableBuffering();
        using var reader = new StreamReader(request.Body, leaveOpen: true);
        var text = await reader.ReadToEndAsync(cancellationToken);
        request.Body.Position = 0;
        return string.IsNullOrWhiteSpace(text) ? (default, null) : await ReadAsync<T>(request, cancellationToken);
    }
}
