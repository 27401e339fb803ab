using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using EtlWeb.Core.Jobs;
using EtlWeb.Data;
using EtlWeb.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EtlWeb.Tests.Api;

public sealed class JobsApiTests : HostTest
{
    private Task<(HttpStatusCode Status, JsonNode? Body)> PostJobAsync(JsonNode document) =>
        Client.SendJsonAsync(HttpMethod.Post, "/api/jobs", document.ToJsonString());

    private Task<(HttpStatusCode Status, JsonNode? Body)> PutJobAsync(int id, JsonNode document) =>
        Client.SendJsonAsync(HttpMethod.Put, $"/api/jobs/{id}", document.ToJsonString());

    private static int IdOf(JobDocument job) => job.Id!.Value;

    private static void AssertValidationProblem(HttpStatusCode status, JsonNode? body)
    {
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(400, body?["status"]?.GetValue<int>());
        Assert.NotNull(body?["title"]);
    }

    [Fact]
    public async Task Create_answers_201_with_the_location_of_the_new_job()
    {
        var document = JobsClient.ShellJob("extract");
        document["schedule_type"] = "cron";
        document["cron_expression"] = "0 2 * * *";
        document["time_zone"] = "Europe/London";

        using var response = await Client.PostAsync(new Uri("/api/jobs", UriKind.Relative), JobsClient.Json(document));
        var created = (await response.Content.ReadFromJsonAsync<JobDocument>())!;

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"/api/jobs/{IdOf(created)}", response.Headers.Location?.OriginalString);
        Assert.Equal("extract", created.Name);
        Assert.Equal("Idle", created.Status);
        var fetched = await Client.GetDocumentAsync<JobDocument>(response.Headers.Location!.OriginalString);
        Assert.Equal("0 2 * * *", fetched.CronExpression);
        Assert.Equal("Europe/London", fetched.TimeZone);
    }

    [Fact]
    public async Task Create_with_a_bad_cron_answers_400_naming_cron_expression_and_the_reason()
    {
        var document = JobsClient.ShellJob("extract");
        document["schedule_type"] = "cron";
        document["cron_expression"] = "0 2 * *";

        var (status, body) = await PostJobAsync(document);

        AssertValidationProblem(status, body);
        Assert.Contains("4 field(s)", Assert.Single(JobsClient.ErrorsOf(body, "cron_expression")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_with_eleven_retries_answers_400_naming_max_retries()
    {
        var document = JobsClient.ShellJob("extract");
        document["max_retries"] = 11;

        var (status, body) = await PostJobAsync(document);

        AssertValidationProblem(status, body);
        Assert.Contains("between 0 and 10", Assert.Single(JobsClient.ErrorsOf(body, "max_retries")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_without_command_or_script_answers_400_naming_command()
    {
        var document = JobsClient.ShellJob("extract");
        document.Remove("command");

        var (status, body) = await PostJobAsync(document);

        AssertValidationProblem(status, body);
        Assert.Contains("command or an inline script", Assert.Single(JobsClient.ErrorsOf(body, "command")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_names_every_bad_field_in_one_answer()
    {
        var document = new JsonObject
        {
            ["name"] = new string('x', 101),
            ["job_type"] = "perl",
            ["max_retries"] = -1,
            ["timeout_seconds"] = -1,
            ["retry_delay_seconds"] = -1,
            ["schedule_type"] = "interval",
            ["interval_minutes"] = 0,
            ["time_zone"] = "Mars/Base",
            ["environment"] = new JsonObject { ["PORT"] = 5432 },
        };

        var (status, body) = await PostJobAsync(document);

        AssertValidationProblem(status, body);
        var fields = body!["errors"]!.AsObject().Select(e => e.Key).Order(StringComparer.Ordinal);
        Assert.Equal(
            ["command", "environment", "interval_minutes", "job_type", "max_retries", "name", "retry_delay_seconds", "time_zone", "timeout_seconds"],
            fields);
    }

    [Fact]
    public async Task Create_with_a_duplicate_name_answers_400_naming_name()
    {
        await Client.CreateJobAsync(JobsClient.ShellJob("extract"));

        var (status, body) = await PostJobAsync(JobsClient.ShellJob("extract"));

        AssertValidationProblem(status, body);
        Assert.Contains("'extract' already exists", Assert.Single(JobsClient.ErrorsOf(body, "name")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_with_an_unknown_dependency_answers_400_naming_dependencies()
    {
        var (status, body) = await PostJobAsync(JobsClient.ShellJob("load", "ghost"));

        AssertValidationProblem(status, body);
        Assert.Contains("no job named 'ghost'", Assert.Single(JobsClient.ErrorsOf(body, "dependencies")), StringComparison.Ordinal);
        Assert.Empty(await Client.GetDocumentAsync<List<JobDocument>>("/api/jobs"));
    }

    [Fact]
    public async Task Create_depending_on_itself_answers_400_naming_dependencies()
    {
        var (status, body) = await PostJobAsync(JobsClient.ShellJob("load", "load"));

        AssertValidationProblem(status, body);
        Assert.Contains("'load' cannot depend on itself", Assert.Single(JobsClient.ErrorsOf(body, "dependencies")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_with_a_null_dependency_answers_400_naming_dependencies()
    {
        const string body = """{"name": "load", "job_type": "shell", "command": "true", "dependencies": [null]}""";

        var (status, problem) = await Client.SendJsonAsync(HttpMethod.Post, "/api/jobs", body);

        AssertValidationProblem(status, problem);
        Assert.Contains("null is not a name", Assert.Single(JobsClient.ErrorsOf(problem, "dependencies")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Put_that_closes_a_cycle_answers_400_naming_every_job_of_the_cycle_and_changes_nothing()
    {
        var extract = await Client.CreateJobAsync(JobsClient.ShellJob("extract"));
        await Client.CreateJobAsync(JobsClient.ShellJob("transform", "extract"));
        await Client.CreateJobAsync(JobsClient.ShellJob("load", "transform"));

        var (status, body) = await PutJobAsync(IdOf(extract), JobsClient.ShellJob("extract", "load"));

        AssertValidationProblem(status, body);
        Assert.Equal(
            "These dependencies form a cycle: extract -> transform -> load -> extract.",
            Assert.Single(JobsClient.ErrorsOf(body, "dependencies")));
        var stored = await Client.GetJobAsync(IdOf(extract));
        Assert.Empty(stored.Dependencies!);
    }

    [Fact]
    public async Task Malformed_json_body_answers_400_naming_the_line()
    {
        const string body = "{\n  \"name\": \"extract\",\n  \"job_type\": \"shell\",\n  \"command\": \n}";

        var (status, problem) = await Client.SendJsonAsync(HttpMethod.Post, "/api/jobs", body);

        AssertValidationProblem(status, problem);
        var (field, messages) = Assert.Single(problem!["errors"]!.AsObject());
        Assert.Equal("command", field);
        Assert.StartsWith("Line 5, position", messages![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Field_of_the_wrong_json_type_answers_400_naming_the_field()
    {
        const string body = """{"name": "extract", "job_type": "shell", "command": "true", "max_retries": [3]}""";

        var (status, problem) = await Client.SendJsonAsync(HttpMethod.Post, "/api/jobs", body);

        AssertValidationProblem(status, problem);
        Assert.StartsWith("Line 1, position", Assert.Single(JobsClient.ErrorsOf(problem, "max_retries")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_returns_every_job_by_name_with_dependencies_by_name()
    {
        await Client.CreateJobAsync(JobsClient.ShellJob("transform"));
        await Client.CreateJobAsync(JobsClient.ShellJob("extract"));
        await Client.CreateJobAsync(JobsClient.ShellJob("load", "transform", "extract"));

        var jobs = await Client.GetDocumentAsync<List<JobDocument>>("/api/jobs");

        Assert.Equal(["extract", "load", "transform"], jobs.Select(j => j.Name));
        Assert.Equal(["extract", "transform"], jobs[1].Dependencies!);
        Assert.All(jobs, j => Assert.Equal("Idle", j.Status));
    }

    [Fact]
    public async Task Get_by_id_returns_the_snake_case_document()
    {
        var document = JobsClient.ShellJob("extract");
        document["environment"] = new JsonObject { ["ENV"] = "prod" };
        document["max_retries"] = 3;
        document["retry_delay_seconds"] = 30;
        var created = await Client.CreateJobAsync(document);

        // The document as it is on the wire: these are its field names.
        var job = (await Client.GetJsonAsync($"/api/jobs/{IdOf(created)}"))!;

        Assert.Equal(IdOf(created), job["id"]!.GetValue<int>());
        Assert.Equal("shell", job["job_type"]!.GetValue<string>());
        Assert.Equal("prod", job["environment"]!["ENV"]!.GetValue<string>());
        Assert.Equal(3, job["max_retries"]!.GetValue<int>());
        Assert.Equal(30, job["retry_delay_seconds"]!.GetValue<int>());
        Assert.Equal("manual", job["schedule_type"]!.GetValue<string>());
        Assert.True(job["enabled"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Put_replaces_the_whole_job()
    {
        await Client.CreateJobAsync(JobsClient.ShellJob("extract"));
        var document = JobsClient.ShellJob("load", "extract");
        document["environment"] = new JsonObject { ["A"] = "1" };
        document["max_retries"] = 4;
        var created = await Client.CreateJobAsync(document);

        var replacement = new JsonObject
        {
            ["name"] = "load-v2",
            ["job_type"] = "python",
            ["command"] = "load.py",
            ["schedule_type"] = "interval",
            ["interval_minutes"] = 15,
        };
        var (status, body) = await PutJobAsync(IdOf(created), replacement);

        Assert.Equal(HttpStatusCode.OK, status);
        var stored = (await Client.GetJsonAsync($"/api/jobs/{IdOf(created)}"))!;
        Assert.Equal(body!.ToJsonString(), stored.ToJsonString());
        var job = stored.Deserialize<JobDocument>()!;
        Assert.Equal("load-v2", job.Name);
        Assert.Equal("python", job.JobType);
        Assert.Equal(15, job.IntervalMinutes);
        Assert.Equal(0, job.MaxRetries);
        Assert.Empty(JobsClient.EnvironmentOf(job));
        Assert.Empty(job.Dependencies!);
    }

    [Fact]
    public async Task Put_may_keep_the_job_s_own_name()
    {
        var created = await Client.CreateJobAsync(JobsClient.ShellJob("extract"));
        var document = JobsClient.ShellJob("extract");
        document["description"] = "nightly";

        var (status, body) = await PutJobAsync(IdOf(created), document);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("nightly", body.Deserialize<JobDocument>()!.Description);
    }

    [Fact]
    public async Task Renaming_an_upstream_keeps_its_edges()
    {
        var extract = await Client.CreateJobAsync(JobsClient.ShellJob("extract"));
        var load = await Client.CreateJobAsync(JobsClient.ShellJob("load", "extract"));

        var (status, _) = await PutJobAsync(IdOf(extract), JobsClient.ShellJob("extract-v2"));

        Assert.Equal(HttpStatusCode.OK, status);
        var downstream = await Client.GetJobAsync(IdOf(load));
        Assert.Equal(["extract-v2"], downstream.Dependencies!);
    }

    [Theory]
    [InlineData("GET", "/api/jobs/999")]
    [InlineData("PUT", "/api/jobs/999")]
    [InlineData("DELETE", "/api/jobs/999")]
    [InlineData("POST", "/api/jobs/999/enable")]
    [InlineData("POST", "/api/jobs/999/disable")]
    public async Task Unknown_job_answers_404_problem_details(string method, string path)
    {
        var document = method == "PUT" ? JobsClient.ShellJob("ghost").ToJsonString() : "";
        var (status, body) = await Client.SendJsonAsync(new HttpMethod(method), path, document);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(404, body?["status"]?.GetValue<int>());
        Assert.Contains("no job with id 999", body?["detail"]?.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_removes_the_job_and_its_edges()
    {
        var extract = await Client.CreateJobAsync(JobsClient.ShellJob("extract"));
        await Client.CreateJobAsync(JobsClient.ShellJob("transform"));
        var load = await Client.CreateJobAsync(JobsClient.ShellJob("load", "extract", "transform"));

        using var response = await Client.DeleteAsync(new Uri($"/api/jobs/{IdOf(extract)}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        using var gone = await Client.GetAsync(new Uri($"/api/jobs/{IdOf(extract)}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        var downstream = await Client.GetJobAsync(IdOf(load));
        Assert.Equal(["transform"], downstream.Dependencies!);

        var dbFactory = Factory.Services.GetRequiredService<IDbContextFactory<EtlDbContext>>();
        await using var db = await dbFactory.CreateDbContextAsync();
        Assert.False(await db.Dependencies.AnyAsync(d => d.UpstreamJobId == IdOf(extract) || d.DownstreamJobId == IdOf(extract)));
    }

    [Fact]
    public async Task Deleted_name_can_be_used_again()
    {
        var extract = await Client.CreateJobAsync(JobsClient.ShellJob("extract"));
        using var response = await Client.DeleteAsync(new Uri($"/api/jobs/{IdOf(extract)}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);

        var again = await Client.CreateJobAsync(JobsClient.ShellJob("extract"));

        var listed = Assert.Single(await Client.GetDocumentAsync<List<JobDocument>>("/api/jobs"));
        Assert.Equal(IdOf(again), IdOf(listed));
    }

    [Fact]
    public async Task Disable_and_enable_switch_the_enabled_flag()
    {
        var job = await Client.CreateJobAsync(JobsClient.ShellJob("extract"));
        var id = IdOf(job);

        using (var disabled = await Client.PostAsync(new Uri($"/api/jobs/{id}/disable", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.NoContent, disabled.StatusCode);
        }

        Assert.False((await Client.GetJobAsync(id)).Enabled);

        using (var enabled = await Client.PostAsync(new Uri($"/api/jobs/{id}/enable", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.NoContent, enabled.StatusCode);
        }

        Assert.True((await Client.GetJobAsync(id)).Enabled);
    }

    [Fact]
    public async Task Health_reports_database_hangfire_and_scheduler_separately_and_becomes_healthy()
    {
        JsonNode body;
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(30);
        do
        {
            using var response = await Client.GetAsync(new Uri("/health", UriKind.Relative));
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.Equal(body["status"]!.GetValue<string>() == "Healthy" ? HttpStatusCode.OK : HttpStatusCode.ServiceUnavailable, response.StatusCode);
            await Task.Delay(100);
        }
        while (body["status"]!.GetValue<string>() != "Healthy" && TimeProvider.System.GetUtcNow() < deadline);

        Assert.Equal("Healthy", body["status"]!.GetValue<string>());
        Assert.All(["database", "hangfire", "scheduler"], check => Assert.Equal("Healthy", body["checks"]![check]!["status"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Replacing_a_job_that_has_upstream_jobs_keeps_them()
    {
        await Client.CreateJobAsync(JobsClient.ShellJob("up"));
        var down = await Client.CreateJobAsync(JobsClient.ShellJob("down", "up"));

        var (status, body) = await PutJobAsync(IdOf(down), JsonSerializer.SerializeToNode(down with { Description = "edited" })!);

        Assert.Equal(HttpStatusCode.OK, status);
        var replaced = body.Deserialize<JobDocument>()!;
        Assert.Equal("edited", replaced.Description);
        Assert.Equal(["up"], replaced.Dependencies!);
    }
}
