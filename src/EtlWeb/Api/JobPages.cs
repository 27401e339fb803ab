using EtlWeb.Features.Jobs;

namespace EtlWeb.Api;

/// <summary>The job list's pages: <c>limit</c> jobs after the name <c>after</c>, and a Link header to the next page.</summary>
internal static class JobPages
{
    public static async Task<IResult> ListAsync(string? folder, int? limit, string? after, HttpResponse response, JobCatalog catalog, CancellationToken ct)
    {
        if (limit is < 1 or > JobCatalog.MaxPageSize)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]>
            {
                ["limit"] = [$"limit must be between 1 and {JobCatalog.MaxPageSize}."],
            });
        }

        var page = await catalog.ListPageAsync(limit, after, ct);
        if (page.Next is { } next)
        {
            var query = $"limit={limit}&after={Uri.EscapeDataString(next)}" + (string.IsNullOrEmpty(folder) ? "" : $"&folder={Uri.EscapeDataString(folder)}");
            response.Headers.Link = $"</api/jobs?{query}>; rel=\"next\"";
        }

        return Results.Ok(page.Jobs);
    }
}
