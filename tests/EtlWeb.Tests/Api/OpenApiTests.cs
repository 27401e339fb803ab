using System.Text.RegularExpressions;
using EtlWeb.Tests.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace EtlWeb.Tests.Api;

/// <summary>The OpenAPI document is complete: every mapped /api route, with its body, its answers and its errors.</summary>
public sealed partial class OpenApiTests : HostTest
{
    /// <summary>Routes that name a resource they create when it is missing: they never answer 404.</summary>
    private static readonly string[] CreateWhenMissing = ["POST /api/calendars/{name}/ics"];

    [Fact]
    public async Task Every_mapped_api_route_is_in_the_document_with_a_summary_its_success_answer_and_its_errors()
    {
        var document = (await Client.GetJsonAsync("/openapi/v1.json"))!;
        var routes = Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && raw.StartsWith("/api/", StringComparison.Ordinal) && !raw.StartsWith("/api/docs", StringComparison.Ordinal))
            .SelectMany(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Select(m => (Endpoint: e, Method: m.ToLowerInvariant(), Path: PathOf(e))))
            .ToList();
        Assert.True(routes.Count >= 20, $"only {routes.Count} API routes found");

        var problems = new List<string>();
        foreach (var (endpoint, method, path) in routes)
        {
            var name = $"{method.ToUpperInvariant()} {path}";
            if (document["paths"]?[path]?[method] is not { } operation)
            {
                problems.Add($"{name} is not in the OpenAPI document");
                continue;
            }

            var responses = operation["responses"]!.AsObject().Select(r => r.Key).ToList();
            Check(!string.IsNullOrWhiteSpace(operation["summary"]?.GetValue<string>()), "has no summary");
            Check(responses.Any(r => r.StartsWith('2')), "declares no success answer");
            Check(
                !responses.Where(r => r is "200" or "201").Any(r => operation["responses"]![r]!["content"] is null),
                "declares a 200/201 answer without its shape");
            Check(endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null || (responses.Contains("401") && responses.Contains("403")), "does not declare 401 and 403");
            Check(endpoint.Metadata.GetMetadata<IAcceptsMetadata>() is null || operation["requestBody"] is not null, "accepts a body the document does not describe");
            Check(endpoint.Metadata.GetMetadata<IAcceptsMetadata>() is null || responses.Contains("400"), "takes a body but declares no 400");
            Check(!path.Contains('{', StringComparison.Ordinal) || responses.Contains("404") || CreateWhenMissing.Contains(name), "names a resource but declares no 404");

            void Check(bool ok, string problem)
            {
                if (!ok)
                {
                    problems.Add($"{name} {problem} (answers: {string.Join(", ", responses)})");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public async Task The_document_describes_both_ways_to_sign_in()
    {
        var document = (await Client.GetJsonAsync("/openapi/v1.json"))!;

        var schemes = document["components"]!["securitySchemes"]!.AsObject();
        Assert.Equal("bearer", schemes["Bearer"]!["scheme"]!.GetValue<string>());
        Assert.Equal("cookie", schemes["Cookie"]!["in"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_dependency_is_described_as_a_job_name_or_a_link_object()
    {
        var document = (await Client.GetJsonAsync("/openapi/v1.json"))!;

        var dependency = document["components"]!["schemas"]!["JobDocument"]!["properties"]!["dependencies"]!["items"]!;
        var shapes = dependency["oneOf"]!.AsArray();
        Assert.Equal("string", shapes[0]!["type"]!.GetValue<string>());
        Assert.Equal(["job", "when", "condition"], shapes[1]!["properties"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["success", "failure", "always"], shapes[1]!["properties"]!["when"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()));
    }

    private static string PathOf(RouteEndpoint endpoint) =>
        Constraint().Replace(endpoint.RoutePattern.RawText!.TrimEnd('/'), "{${name}}");

    [GeneratedRegex(@"\{(?<name>[a-zA-Z_]+)(:[^}]+)?\}")]
    private static partial Regex Constraint();
}
