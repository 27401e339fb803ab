using System.Net;
using System.Text.Json;
using EtlWeb.Tests.Security;
using EtlWeb.Tests.Support;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EtlWeb.Tests.Api;

/// <summary>Every body-taking API route refuses a field it does not read, naming it; the list of routes comes from EtlWeb's own endpoints.</summary>
public sealed class StrictBodyTests : HostTest
{
    /// <summary>The routes that read fields they do not declare, on purpose; a new one must be added here deliberately.</summary>
    /// <summary>Routes whose body is a JSON array: an unknown field of an element is named with the element's index.</summary>
    private static readonly string[] ArrayRoutes = ["PUT /api/users/{name}/grants"];

    private static readonly string[] OpenRoutes = ["POST /api/hooks/{token}", "POST /api/import", "POST /api/import/desktop-database", "POST /api/calendars/{name}/ics", .. ArrayRoutes];

    [Fact]
    public async Task An_array_body_names_the_unknown_field_of_its_element()
    {
        await Factory.CreateUserAsync(Client, "fin", "Viewer");
        var (status, body) = await Client.SendJsonAsync(HttpMethod.Put, "/api/users/fin/grants", """[{"folder": "finance", "role": "Viewer"}, {"folder": "ops", "rol": "Admin"}]""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Unknown field 'rol'. Did you mean 'role'?", Assert.Single(JobsClient.ErrorsOf(body, "[1].rol")));
    }

    private async Task<IReadOnlyList<(string Route, string Url, Type? Declared)>> BodyRoutesAsync()
    {
        var routes = new List<(string, string, Type?)>();
        foreach (var endpoint in await MappedRoutes.EndpointsAsync(Factory, Client))
        {
            var route = MappedRoutes.RouteOf(endpoint);
            foreach (var method in MappedRoutes.MethodsOf(endpoint).Where(m => m is "POST" or "PUT" or "PATCH"))
            {
                if (route.StartsWith("/api/", StringComparison.Ordinal))
                {
                    routes.Add(($"{method} {route}", MappedRoutes.UrlOf(endpoint.RoutePattern), endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType));
                }
            }
        }

        return routes;
    }

    private async Task SeedAsync()
    {
        // Job 1 and run 1 exist, so a route that ignored the body would answer 2xx rather than 404.
        var job = await Client.CreateJobAsync(JobsClient.ShellJob("extract"));
        await Client.TriggerAsync(job);
    }

    [Fact]
    public async Task Every_body_route_but_the_open_ones_answers_400_naming_an_unknown_field()
    {
        await SeedAsync();
        var routes = await BodyRoutesAsync();
        Assert.Contains(routes, r => r.Route == "POST /api/jobs/");
        Assert.Contains(routes, r => r.Route == "PUT /api/jobs/{id:int}");
        Assert.Contains(routes, r => r.Route == "POST /api/jobs/{id:int}/run");

        var accepted = new List<string>();
        foreach (var (route, url, _) in routes.Where(r => !OpenRoutes.Contains(r.Route)))
        {
            var method = new HttpMethod(route.Split(' ')[0]);
            var (status, body) = await Client.SendJsonAsync(method, url, """{"no_such_field": 1}""");
            if (status != HttpStatusCode.BadRequest || body?["errors"]?["no_such_field"] is null)
            {
                accepted.Add($"{route}: {(int)status} {body?.ToJsonString()}");
            }
        }

        Assert.Empty(accepted);
        Assert.Equal(OpenRoutes.Order(), routes.Select(r => r.Route).Where(OpenRoutes.Contains).Order());
    }

    [Fact]
    public async Task Every_declared_body_suggests_the_field_a_typo_meant()
    {
        await SeedAsync();
        var options = Factory.Services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var declared = (await BodyRoutesAsync()).Where(r => r.Declared is not null && !OpenRoutes.Contains(r.Route)).ToList();
        Assert.NotEmpty(declared);
        foreach (var (route, url, type) in declared)
        {
            var field = options.GetTypeInfo(type!).Properties.Where(p => !p.IsExtensionData).Select(p => p.Name).MaxBy(n => n.Length)!;
            var typo = field.Remove(field.Length / 2, 1);
            var (status, body) = await Client.SendJsonAsync(new HttpMethod(route.Split(' ')[0]), url, $$"""{"{{typo}}": null}""");

            Assert.True(status == HttpStatusCode.BadRequest, $"{route}: {(int)status} {body?.ToJsonString()}");
            Assert.Equal($"Unknown field '{typo}'. Did you mean '{field}'?", Assert.Single(JobsClient.ErrorsOf(body, typo)));
        }
    }

    [Fact]
    public async Task A_job_with_misspelt_fields_is_refused_naming_each_with_the_meant_field_and_nothing_is_created()
    {
        var document = JobsClient.ShellJob("extract");
        document["notify_on_sucess"] = true;
        document["schedule_type"] = "cron";
        document["cron_expresion"] = "0 2 * * *";
        document["disk_quota_gb"] = 512;

        var (status, body) = await Client.SendJsonAsync(HttpMethod.Post, "/api/jobs", document.ToJsonString());

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Unknown field 'notify_on_sucess'. Did you mean 'notify_on_success'?", Assert.Single(JobsClient.ErrorsOf(body, "notify_on_sucess")));
        Assert.Equal("Unknown field 'cron_expresion'. Did you mean 'cron_expression'?", Assert.Single(JobsClient.ErrorsOf(body, "cron_expresion")));
        Assert.Equal("Unknown field 'disk_quota_gb'.", Assert.Single(JobsClient.ErrorsOf(body, "disk_quota_gb")));
        Assert.Empty(await Client.GetDocumentAsync<List<JsonElement>>("/api/jobs"));
    }

    [Fact]
    public async Task A_job_read_back_is_accepted_as_it_is_with_its_read_only_fields_and_the_desktop_names()
    {
        var created = await Client.CreateJobAsync(JobsClient.ShellJob("extract"));
        var document = (await Client.GetJsonAsync($"/api/jobs/{created.Id}"))!.AsObject();
        document["description"] = "changed";
        document.Remove("working_directory");
        document["working_dir"] = "/srv/etl";

        var (status, body) = await Client.SendJsonAsync(HttpMethod.Put, $"/api/jobs/{created.Id}", document.ToJsonString());

        Assert.True(status == HttpStatusCode.OK, body?.ToJsonString());
        Assert.Equal(("changed", "/srv/etl"), (body!["description"]!.GetValue<string>(), body["working_directory"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_run_body_is_read_strictly_and_downstream_false_in_it_runs_the_job_alone()
    {
        var extract = await Client.CreateJobAsync(JobsClient.ShellJob("extract"));
        var load = await Client.CreateJobAsync(JobsClient.ShellJob("load", "extract"));

        var (refused, problem) = await Client.SendJsonAsync(HttpMethod.Post, $"/api/jobs/{extract.Id}/run", """{"downstrem": false}""");
        var (conflict, conflictProblem) = await Client.SendJsonAsync(HttpMethod.Post, $"/api/jobs/{extract.Id}/run?downstream=true", """{"downstream": false}""");
        Assert.Equal(HttpStatusCode.BadRequest, refused);
        Assert.Equal("Unknown field 'downstrem'. Did you mean 'downstream'?", Assert.Single(JobsClient.ErrorsOf(problem, "downstrem")));
        Assert.Equal(HttpStatusCode.BadRequest, conflict);
        Assert.Contains("give one", Assert.Single(JobsClient.ErrorsOf(conflictProblem, "downstream")), StringComparison.Ordinal);
        Assert.Empty(await Client.RunsOfAsync(extract));

        var (started, accepted) = await Client.SendJsonAsync(HttpMethod.Post, $"/api/jobs/{extract.Id}/run", """{"downstream": false}""");
        Assert.True(started == HttpStatusCode.Accepted, accepted?.ToJsonString());
        var runId = accepted!["run_id"]!.GetValue<long>();
        await Client.WaitForRunAsync(runId, r => r.Status == "Succeeded");
        Assert.Equal([runId], (await Client.RunsOfAsync(extract)).Select(r => r.Id));
        Assert.Empty(await Client.RunsOfAsync(load));
    }

    [Fact]
    public async Task A_route_without_a_body_takes_none_or_an_empty_object_and_refuses_anything_else()
    {
        var job = await Client.CreateJobAsync(JobsClient.ShellJob("extract"));

        var (empty, _) = await Client.SendJsonAsync(HttpMethod.Post, $"/api/jobs/{job.Id}/disable", "");
        var (emptyObject, _) = await Client.SendJsonAsync(HttpMethod.Post, $"/api/jobs/{job.Id}/enable", "{ }");
        var (array, arrayProblem) = await Client.SendJsonAsync(HttpMethod.Post, $"/api/jobs/{job.Id}/disable", "[1]");
        var (text, textProblem) = await Client.SendJsonAsync(HttpMethod.Post, $"/api/jobs/{job.Id}/disable", "disable please");

        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NoContent), (empty, emptyObject));
        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (array, text));
        Assert.Contains("takes no body", Assert.Single(JobsClient.ErrorsOf(arrayProblem, "body")), StringComparison.Ordinal);
        Assert.Contains("takes no body", Assert.Single(JobsClient.ErrorsOf(textProblem, "body")), StringComparison.Ordinal);
        Assert.True((await Client.GetJobAsync(job.Id!.Value)).Enabled);
    }
}
