using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EtlWeb.Api;
using EtlWeb.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using EtlWeb.Tests.Security;
using EtlWeb.Tests.Support;

namespace EtlWeb.Tests.Api;

public sealed class RunParametersApiTests : HostTest
{
    private static readonly JsonArray Declared = JsonNode.Parse("""
        [
          {"name": "day", "type": "date", "required": true, "default": "{{ logical_date | add_days: -1 | date: '%Y-%m-%d' }}"},
          {"name": "limit", "type": "integer", "default": 10},
          {"name": "region", "type": "choice", "choices": ["eu", "us"], "default": "eu"},
          {"name": "dry", "type": "boolean"},
          {"name": "password", "type": "text", "secret": true}
        ]
        """)!.AsArray();

    private const string Echo = "echo \"day=$ETL_PARAM_DAY limit=$ETL_PARAM_LIMIT region=$ETL_PARAM_REGION dry=[$ETL_PARAM_DRY] pw=$ETL_PARAM_PASSWORD logical=$ETL_LOGICAL_DATE\"";

    [Fact]
    public async Task A_run_gets_its_given_values_and_the_defaults_as_variables_and_shows_them_with_the_secret_masked()
    {
        var job = await Client.CreateJobAsync(JobsClient.ShellJob("load").With("command", Echo).With("time_zone", "Europe/Berlin").With("parameters", Declared.DeepClone()));

        var (status, body) = await Client.SendJsonAsync(HttpMethod.Post, $"/api/jobs/{job.Id}/run",
            """{"params": {"limit": 25, "region": "us", "password": "hunter22"}, "logical_date": "2026-03-30T00:30:00Z"}""");

        Assert.Equal(HttpStatusCode.Accepted, status);
        var run = await Client.WaitForEndAsync(body!["run_id"]!.GetValue<long>());
        Assert.Equal("Succeeded", run.Status);
        var log = await Client.LogAsync(run.Id);
        Assert.True(log.Contains("day=2026-03-29 limit=25 region=us dry=[] pw=*** logical=2026-03-30T02:30:00+02:00", StringComparison.Ordinal), log);
        Assert.Equal("""{"day":"2026-03-29","limit":25,"region":"us","password":"********"}""", JsonSerializer.Serialize(run.Params));
        Assert.Equal(DateTimeOffset.Parse("2026-03-30T00:30:00Z", System.Globalization.CultureInfo.InvariantCulture), run.LogicalDate);
        Assert.DoesNotContain("hunter22", await Client.GetStringAsync(new Uri($"/api/runs/{run.Id}", UriKind.Relative)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_and_unknown_parameters_are_named_and_nothing_starts()
    {
        var job = await Client.CreateJobAsync(JobsClient.ShellJob("load").With("command", Echo).With("parameters", Declared.DeepClone()));

        var (status, body) = await Client.SendJsonAsync(HttpMethod.Post, $"/api/jobs/{job.Id}/run",
            """{"params": {"day": "2026-02-30", "limit": "many", "regoin": "eu"}}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var errors = body!["errors"]!.AsObject();
        Assert.Equal(["params.day", "params.limit", "params.regoin"], errors.Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.Equal("'regoin' is not a parameter of this job. Did you mean 'region'?", errors["params.regoin"]![0]!.GetValue<string>());
        Assert.Empty(await Client.GetDocumentAsync<List<JsonNode>>($"/api/runs?job_id={job.Id}"));
    }

    [Fact]
    public async Task Re_run_failed_keeps_the_values_and_checks_them_against_the_jobs_declarations_of_now()
    {
        var document = JobsClient.ShellJob("load").With("command", "echo \"limit=$ETL_PARAM_LIMIT\"; exit 1")
            .With("parameters", JsonNode.Parse("""[{"name": "limit", "type": "integer", "required": true}]"""));
        var job = await Client.CreateJobAsync(document);
        var (_, body) = await Client.SendJsonAsync(HttpMethod.Post, $"/api/jobs/{job.Id}/run", """{"params": {"limit": 5}}""");
        var failed = await Client.WaitForEndAsync(body!["run_id"]!.GetValue<long>());

        var (_, again) = await Client.SendJsonAsync(HttpMethod.Post, $"/api/runs/{failed.Id}/rerun", "");
        var rerun = await Client.WaitForEndAsync(again!["run_ids"]![0]!.GetValue<long>());
        Assert.Contains("limit=5", await Client.LogAsync(rerun.Id), StringComparison.Ordinal);

        // Declared as a choice now: 5 is not one, so the re-run is recorded Skipped with the reason rather than run.
        var (status, _) = await Client.SendJsonAsync(HttpMethod.Put, $"/api/jobs/{job.Id}", document
            .With("parameters", JsonNode.Parse("""[{"name": "limit", "type": "choice", "choices": ["10", "100"], "required": true}]""")).ToJsonString());
        Assert.Equal(HttpStatusCode.OK, status);
        (_, again) = await Client.SendJsonAsync(HttpMethod.Post, $"/api/runs/{rerun.Id}/rerun", "");
        var refused = await Client.WaitForEndAsync(again!["run_ids"]![0]!.GetValue<long>());
        Assert.Equal("Skipped", refused.Status);
        Assert.Contains("'5' is not one of the choices of 'limit'", refused.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_declaration_names_its_field()
    {
        var (status, body) = await Client.SendJsonAsync(HttpMethod.Post, "/api/jobs", JobsClient.ShellJob("load")
            .With("parameters", JsonNode.Parse("""[{"name": "day", "type": "calendar"}, {"name": "n", "type": "integer", "default": "ten"}]"""))
            .ToJsonString());

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("'calendar' is not a parameter type", body!["errors"]!["parameters[0].type"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("'ten' is not a whole number", body["errors"]!["parameters[1].default"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_webhook_bodys_keys_fill_the_parameters_of_the_same_name()
    {
        var job = await Client.CreateJobAsync(JobsClient.ShellJob("load").With("command", Echo).With("parameters", Declared.DeepClone()));
        using var created = await Client.PostAsync(new Uri($"/api/jobs/{job.Id}/webhook", UriKind.Relative), null);
        var token = JsonSerializer.Deserialize<WebhookAddress>(await created.Content.ReadAsStringAsync())!.WebhookToken;

        using var bad = await Factory.AnonymousClient().PostAsync(new Uri($"/api/hooks/{token}", UriKind.Relative), new StringContent("""{"limit": "x"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("params.limit", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var good = await Factory.AnonymousClient().PostAsync(new Uri($"/api/hooks/{token}", UriKind.Relative), new StringContent("""{"limit": 7, "dry": true, "other": "x"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, good.StatusCode);
        var run = await Client.WaitForEndAsync(JsonNode.Parse(await good.Content.ReadAsStringAsync())!["run_id"]!.GetValue<long>());
        Assert.Contains("limit=7 region=eu dry=[true]", await Client.LogAsync(run.Id), StringComparison.Ordinal);
        Assert.Equal(7, run.Params["limit"].GetInt32());

        // A secret parameter filled by a hook is stored sealed, never in the run's snapshot as an ETL_HOOK_ variable.
        using var secret = await Factory.AnonymousClient().PostAsync(new Uri($"/api/hooks/{token}", UriKind.Relative), new StringContent("""{"password": "hook-secret-1"}""", Encoding.UTF8, "application/json"));
        var secretRun = await Client.WaitForEndAsync(JsonNode.Parse(await secret.Content.ReadAsStringAsync())!["run_id"]!.GetValue<long>());
        Assert.Contains("pw=***", await Client.LogAsync(secretRun.Id), StringComparison.Ordinal);
        var dbFactory = Factory.Services.GetRequiredService<IDbContextFactory<EtlDbContext>>();
        await using var db = await dbFactory.CreateDbContextAsync();
        var stored = await db.Runs.AsNoTracking().SingleAsync(r => r.Id == secretRun.Id);
        Assert.DoesNotContain("hook-secret-1", stored.DefinitionSnapshot + stored.Params + stored.SealedParams, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_parameter_is_exported_as_declared_and_the_run_list_filters_by_logical_date()
    {
        var job = await Client.CreateJobAsync(JobsClient.ShellJob("load").With("command", "true").With("parameters", Declared.DeepClone()));
        var exported = JsonNode.Parse(await Client.ExportAsync())!;
        Assert.Equal("{{ logical_date | add_days: -1 | date: '%Y-%m-%d' }}", exported[0]!["parameters"]![0]!["default"]!.GetValue<string>());
        Assert.Equal("10", exported[0]!["parameters"]![1]!["default"]!.GetValue<string>());

        // The middle one is given with an offset: 2026-01-02T00:30+02:00 is 2026-01-01T22:30Z, and the range is in UTC.
        foreach (var day in new[] { "2026-01-01T02:00:00Z", "2026-01-02T00:30:00+02:00", "2026-01-03T02:00:00Z" })
        {
            var (status, body) = await Client.SendJsonAsync(HttpMethod.Post, $"/api/jobs/{job.Id}/run", $$"""{"logical_date": "{{day}}"}""");
            Assert.Equal(HttpStatusCode.Accepted, status);
            await Client.WaitForEndAsync(body!["run_id"]!.GetValue<long>());
        }

        var runs = await Client.GetDocumentAsync<List<JsonNode>>($"/api/runs?job_id={job.Id}&logical_from=2026-01-01T22:00:00Z&logical_to=2026-01-01T23:00:00Z");
        Assert.Equal("2025-12-31", Assert.Single(runs)["params"]!["day"]!.GetValue<string>());
    }
}
