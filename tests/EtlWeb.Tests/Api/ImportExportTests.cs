using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using EtlWeb.Core.Jobs;
using EtlWeb.Data;
using EtlWeb.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EtlWeb.Tests.Api;

public sealed class ImportExportTests : HostTest
{
    private static JsonArray Jobs(params JsonObject[] jobs) => [.. jobs];

    private Task<List<JobDocument>> ListAsync() => Client.GetDocumentAsync<List<JobDocument>>("/api/jobs");

    private static JsonNode ReportFor(JsonNode? report, string name)
    {
        var jobs = report?["jobs"]?.AsArray();
        Assert.True(jobs is not null, $"No 'jobs' in the report: {report?.ToJsonString()}");
        return Assert.Single(jobs, j => j!["name"]!.GetValue<string>() == name)!;
    }

    private static Dictionary<string, string> Actions(JsonNode? report) =>
        report!["jobs"]!.AsArray().ToDictionary(j => j!["name"]!.GetValue<string>(), j => j!["action"]!.GetValue<string>());

    private async Task<Dictionary<string, string>> StoredEnvironmentAsync(string name)
    {
        var dbFactory = Factory.Services.GetRequiredService<IDbContextFactory<EtlDbContext>>();
        await using var db = await dbFactory.CreateDbContextAsync();
        return (await db.Jobs.AsNoTracking().SingleAsync(j => j.Name == name)).Environment;
    }

    private static JsonObject Pipeline(string name, params string[] dependencies)
    {
        var job = JobsClient.ShellJob(name, dependencies);
        job["description"] = $"{name} step";
        return job;
    }

    [Fact]
    public async Task Ten_thousand_chained_jobs_import_in_one_go_and_a_cycle_among_them_is_named()
    {
        // Each job depends on the one before: checking each job against all the others must not be quadratic.
        const int count = 10_000;
        var names = Enumerable.Range(0, count).Select(i => $"step-{i:D5}").ToList();
        var chain = Jobs([.. names.Select((name, i) => i == 0 ? JobsClient.ShellJob(name) : JobsClient.ShellJob(name, names[i - 1]))]);

        var closed = chain.DeepClone().AsArray();
        closed[0]!["dependencies"] = new JsonArray(names[^1]);
        var (refused, refusal) = await Client.ImportAsync(closed.ToJsonString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused);
        var message = Assert.Single(JobsClient.ErrorsOf(ReportFor(refusal, names[^1]), "dependencies"));
        Assert.StartsWith($"These dependencies form a cycle: {names[0]} -> {names[1]} -> ", message, StringComparison.Ordinal);
        Assert.Empty(await ListAsync());

        var (status, report) = await Client.ImportAsync(chain.ToJsonString());
        Assert.True(status == HttpStatusCode.OK, report?["jobs"]?.AsArray().FirstOrDefault(j => j!["errors"] is not null)?.ToJsonString());
        Assert.Equal(count, Actions(report).Values.Count(a => a == "created"));
        var stored = await ListAsync();
        Assert.Equal(count, stored.Count);
        Assert.Equal(names[^2], Assert.Single(stored, j => j.Name == names[^1]).Dependencies![0]);
    }

    [Fact]
    public async Task Export_imported_into_an_empty_instance_exports_byte_identical()
    {
        var extract = JobsClient.ShellJob("extract");
        extract["job_type"] = "python";
        extract["command"] = "extract.py --since yesterday";
        extract["interpreter"] = "/opt/venv/bin/python";
        extract["working_directory"] = "/srv/etl";
        extract["environment"] = new JsonObject { ["SOURCE"] = "s3://bucket/in", ["ENV"] = "prod" };
        extract["schedule_type"] = "cron";
        extract["cron_expression"] = "30 2 * * 1-5";
        extract["time_zone"] = "America/New_York";
        extract["max_retries"] = 3;
        extract["retry_delay_seconds"] = 60;
        extract["retry_backoff"] = 2.5;
        extract["timeout_seconds"] = 3600;
        extract["designer_x"] = 120.5;
        extract["designer_y"] = 40;
        var transform = JobsClient.ShellJob("transform", "extract");
        transform["schedule_type"] = "interval";
        transform["interval_minutes"] = 15;
        transform["overlap_policy"] = "queue";
        transform["misfire_policy"] = "skip";
        var audit = JobsClient.ShellJob("audit", "extract");
        audit["environment"] = new JsonObject { ["TOKEN"] = "hidden", ["MODE"] = "strict" };
        audit["secret_environment"] = new JsonArray("TOKEN");
        audit["enabled"] = false;
        var load = JobsClient.ShellJob("load", "transform", "audit");
        load["job_type"] = "sql";
        load["command"] = "psql -U etl -d dw -f load.sql";
        load["notify_email"] = "ops@example.com";
        load["notify_on_success"] = true;
        load["notify_slack"] = true;
        foreach (var job in new[] { extract, transform, audit, load })
        {
            await Client.CreateJobAsync(job);
        }

        var first = await Client.ExportAsync();

        await using var other = new EtlWebFactory();
        using var otherClient = other.CreateClient();
        var (status, report) = await otherClient.ImportAsync(first);
        var second = await otherClient.ExportAsync();

        Assert.True(status == HttpStatusCode.OK, report?.ToJsonString());
        Assert.Equal(4, report!["created"]!.GetValue<int>());
        Assert.Equal(first, second);
        var exported = JsonNode.Parse(first)!.AsArray();
        Assert.Equal(["audit", "extract", "load", "transform"], exported.Select(j => j!["name"]!.GetValue<string>()));
        Assert.Equal(["audit", "transform"], exported[2]!["dependencies"]!.AsArray().Select(d => d!.GetValue<string>()));
        Assert.All(exported, j => Assert.Null(j!["id"]));
        Assert.DoesNotContain("hidden", first, StringComparison.Ordinal);
        Assert.Equal("America/New_York", exported[1]!["time_zone"]!.GetValue<string>());
    }

    [Fact]
    public async Task Desktop_tool_export_is_imported_with_its_older_names()
    {
        const string desktop = """
            [
              {
                "id": 1,
                "name": "Daily Extract",
                "description": "Pull yesterday's orders",
                "job_type": "python",
                "command": "daily_etl.py",
                "working_dir": "/home/user/etl",
                "env_vars": "{\"DATABASE_URL\": \"postgresql://localhost/mydb\", \"ENV\": \"production\"}",
                "timeout": 3600,
                "max_retries": 3,
                "retry_delay": 60,
                "schedule_type": "cron",
                "cron_expression": "0 2 * * *",
                "interval_minutes": null,
                "enabled": 1,
                "email": "data-team@example.com",
                "notify_on_success": 0,
                "notify_on_failure": 1,
                "dependencies": [],
                "created_at": "2025-10-20 09:12:44",
                "updated_at": "2025-10-27 14:30:00",
                "last_run": "2025-10-27 02:00:03",
                "next_run": "2025-10-28 02:00:00",
                "status": "completed"
              },
              {
                "id": 2,
                "name": "Backup",
                "description": "",
                "job_type": "shell",
                "command": "./backup.sh",
                "working_dir": "/home/user/scripts",
                "env_vars": "",
                "timeout": 0,
                "max_retries": 0,
                "retry_delay": 0,
                "schedule_type": "interval",
                "cron_expression": "",
                "interval_minutes": 1440,
                "enabled": 0,
                "email": "",
                "notify_on_success": 0,
                "notify_on_failure": 0,
                "dependencies": ["Daily Extract"],
                "created_at": "2025-10-21 10:00:00",
                "updated_at": "2025-10-21 10:00:00",
                "last_run": null,
                "next_run": null,
                "status": "idle"
              }
            ]
            """;

        var (dryStatus, dryRun) = await Client.ImportAsync(desktop, dryRun: true);
        var (status, report) = await Client.ImportAsync(desktop);

        Assert.True(dryStatus == HttpStatusCode.OK, dryRun?.ToJsonString());
        string[] ignored = ["created_at", "id", "last_run", "next_run", "status", "updated_at"];
        Assert.All(dryRun!["jobs"]!.AsArray(), job => Assert.Equal(ignored, job!["ignored_fields"]!.AsArray().Select(f => f!.GetValue<string>())));
        Assert.True(status == HttpStatusCode.OK, report?.ToJsonString());
        Assert.Equal(new Dictionary<string, string> { ["Daily Extract"] = "created", ["Backup"] = "created" }, Actions(report));
        var jobs = await ListAsync();
        var extract = Assert.Single(jobs, j => j.Name == "Daily Extract");
        Assert.Equal("/home/user/etl", extract.WorkingDirectory);
        Assert.Equal("postgresql://localhost/mydb", JobsClient.EnvironmentOf(extract)["DATABASE_URL"]);
        Assert.Equal("production", JobsClient.EnvironmentOf(extract)["ENV"]);
        Assert.Equal(3600, extract.TimeoutSeconds);
        Assert.Equal(60, extract.RetryDelaySeconds);
        Assert.Equal(3, extract.MaxRetries);
        Assert.Equal("data-team@example.com", extract.NotifyEmail);
        Assert.True(extract.Enabled);
        Assert.False(extract.NotifyOnSuccess);
        Assert.True(extract.NotifyOnFailure);
        Assert.Equal("Idle", extract.Status);
        var backup = Assert.Single(jobs, j => j.Name == "Backup");
        Assert.False(backup.Enabled);
        Assert.Equal(1440, backup.IntervalMinutes);
        Assert.Equal(["Daily Extract"], backup.Dependencies!);
        Assert.Empty(JobsClient.EnvironmentOf(backup));
    }

    [Fact]
    public async Task One_bad_job_refuses_the_whole_file_with_422_naming_the_job_and_field()
    {
        var bad = Pipeline("publish", "load");
        bad["max_retries"] = 11;
        var file = Jobs(Pipeline("extract"), Pipeline("transform", "extract"), Pipeline("load", "transform"), bad);

        var (status, report) = await Client.ImportAsync(file.ToJsonString());

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.False(report!["applied"]!.GetValue<bool>());
        var publish = ReportFor(report, "publish");
        Assert.Equal("invalid", publish["action"]!.GetValue<string>());
        Assert.Equal(3, publish["index"]!.GetValue<int>());
        Assert.Contains("between 0 and 10", Assert.Single(JobsClient.ErrorsOf(publish, "max_retries")), StringComparison.Ordinal);
        Assert.Null(ReportFor(report, "extract")["errors"]);
        Assert.Empty(await ListAsync());
    }

    [Fact]
    public async Task Refused_file_leaves_existing_jobs_as_they_were()
    {
        await Client.CreateJobAsync(Pipeline("extract"));
        var before = await Client.ExportAsync();
        var changed = Pipeline("extract");
        changed["description"] = "changed";
        var bad = Pipeline("load", "extract");
        bad["job_type"] = "perl";

        var (status, _) = await Client.ImportAsync(Jobs(changed, Pipeline("transform"), bad).ToJsonString());

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal(before, await Client.ExportAsync());
    }

    [Fact]
    public async Task Dry_run_lists_created_updated_and_unchanged_and_changes_nothing()
    {
        await Client.CreateJobAsync(Pipeline("extract"));
        await Client.CreateJobAsync(Pipeline("transform", "extract"));
        var before = await Client.ExportAsync();
        var transform = Pipeline("transform", "extract");
        transform["max_retries"] = 2;

        var (status, report) = await Client.ImportAsync(Jobs(Pipeline("extract"), transform, Pipeline("load", "transform")).ToJsonString(), dryRun: true);

        Assert.True(status == HttpStatusCode.OK, report?.ToJsonString());
        Assert.True(report!["dry_run"]!.GetValue<bool>());
        Assert.False(report["applied"]!.GetValue<bool>());
        Assert.Equal(
            new Dictionary<string, string> { ["extract"] = "unchanged", ["transform"] = "updated", ["load"] = "created" },
            Actions(report));
        Assert.Equal((1, 1, 1), (report["created"]!.GetValue<int>(), report["updated"]!.GetValue<int>(), report["unchanged"]!.GetValue<int>()));
        Assert.Equal(before, await Client.ExportAsync());
    }

    [Fact]
    public async Task Import_applies_creates_and_updates_and_leaves_jobs_missing_from_the_file_alone()
    {
        await Client.CreateJobAsync(Pipeline("extract"));
        await Client.CreateJobAsync(Pipeline("archive"));
        var extract = Pipeline("extract");
        extract["description"] = "new description";

        var (status, report) = await Client.ImportAsync(Jobs(extract, Pipeline("load", "extract")).ToJsonString());

        Assert.True(status == HttpStatusCode.OK, report?.ToJsonString());
        Assert.True(report!["applied"]!.GetValue<bool>());
        Assert.Equal(new Dictionary<string, string> { ["extract"] = "updated", ["load"] = "created" }, Actions(report));
        var jobs = await ListAsync();
        Assert.Equal(["archive", "extract", "load"], jobs.Select(j => j.Name));
        Assert.Equal("new description", jobs[1].Description);
        Assert.Equal(["extract"], jobs[2].Dependencies!);
    }

    [Fact]
    public async Task Reimport_of_the_same_file_reports_everything_unchanged()
    {
        var file = Jobs(Pipeline("extract"), Pipeline("transform", "extract"), Pipeline("load", "transform", "extract")).ToJsonString();
        var (firstStatus, first) = await Client.ImportAsync(file);
        Assert.True(firstStatus == HttpStatusCode.OK, first?.ToJsonString());
        var exported = await Client.ExportAsync();

        var (status, report) = await Client.ImportAsync(file);

        Assert.True(status == HttpStatusCode.OK, report?.ToJsonString());
        Assert.Equal((0, 0, 3), (report!["created"]!.GetValue<int>(), report["updated"]!.GetValue<int>(), report["unchanged"]!.GetValue<int>()));
        Assert.Equal(exported, await Client.ExportAsync());
    }

    [Fact]
    public async Task Reimport_of_an_export_reports_everything_unchanged()
    {
        var extract = Pipeline("extract");
        extract["schedule_type"] = "cron";
        extract["cron_expression"] = "0 2 * * *";
        extract["time_zone"] = "Europe/London";
        extract["environment"] = new JsonObject { ["API_KEY"] = "s3cr3t", ["ENV"] = "prod" };
        extract["secret_environment"] = new JsonArray("API_KEY");
        extract["designer_x"] = 10;
        await Client.CreateJobAsync(extract);
        await Client.CreateJobAsync(Pipeline("load", "extract"));

        var (status, report) = await Client.ImportAsync(await Client.ExportAsync());

        Assert.True(status == HttpStatusCode.OK, report?.ToJsonString());
        Assert.Equal(new Dictionary<string, string> { ["extract"] = "unchanged", ["load"] = "unchanged" }, Actions(report));
        Assert.Equal("s3cr3t", (await StoredEnvironmentAsync("extract"))["API_KEY"]);
    }

    [Fact]
    public async Task Malformed_json_is_refused_naming_line_and_position()
    {
        const string file = "[\n  {\"name\": \"extract\", \"job_type\": \"shell\", \"command\": \"true\"},\n  {\"name\": \"load\" \"job_type\": \"shell\"}\n]";

        var (status, report) = await Client.ImportAsync(file);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        var error = Assert.Single(report!["errors"]!.AsArray())!.GetValue<string>();
        Assert.Contains("not valid JSON: line 3, position", error, StringComparison.Ordinal);
        Assert.Empty(await ListAsync());
    }

    [Fact]
    public async Task File_that_is_not_an_array_is_refused()
    {
        var (status, report) = await Client.ImportAsync(Pipeline("extract").ToJsonString());

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("Expected a JSON array of jobs", Assert.Single(report!["errors"]!.AsArray())!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Field_of_the_wrong_json_type_is_refused_naming_the_job_and_field()
    {
        var load = Pipeline("load");
        load["timeout_seconds"] = "ten";

        var (status, report) = await Client.ImportAsync(Jobs(Pipeline("extract"), load).ToJsonString());

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        var error = Assert.Single(report!["errors"]!.AsArray())!.GetValue<string>();
        Assert.Contains("Job 1 ('load'): field timeout_seconds", error, StringComparison.Ordinal);
        Assert.Empty(await ListAsync());
    }

    [Fact]
    public async Task Unknown_job_type_is_refused_naming_the_job_and_field()
    {
        var load = Pipeline("load");
        load["job_type"] = "perl";

        var (status, report) = await Client.ImportAsync(Jobs(Pipeline("extract"), load).ToJsonString());

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("'perl' is not a known job_type", Assert.Single(JobsClient.ErrorsOf(ReportFor(report, "load"), "job_type")), StringComparison.Ordinal);
        Assert.Empty(await ListAsync());
    }

    [Fact]
    public async Task Unknown_schedule_type_is_refused_naming_the_job_and_field()
    {
        var load = Pipeline("load");
        load["schedule_type"] = "hourly";

        var (status, report) = await Client.ImportAsync(Jobs(load).ToJsonString());

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("'hourly' is not a known schedule_type", Assert.Single(JobsClient.ErrorsOf(ReportFor(report, "load"), "schedule_type")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Duplicate_names_in_the_file_are_refused_naming_the_job_and_field()
    {
        var (status, report) = await Client.ImportAsync(Jobs(Pipeline("extract"), Pipeline("load"), Pipeline("extract")).ToJsonString());

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        var second = report!["jobs"]!.AsArray()[2]!;
        Assert.Equal("extract", second["name"]!.GetValue<string>());
        Assert.Contains("'extract' appears more than once", Assert.Single(JobsClient.ErrorsOf(second, "name")), StringComparison.Ordinal);
        Assert.Empty(await ListAsync());
    }

    [Fact]
    public async Task Dependency_on_a_name_that_exists_nowhere_is_refused_naming_the_job_and_field()
    {
        var (status, report) = await Client.ImportAsync(Jobs(Pipeline("extract"), Pipeline("load", "extract", "ghost")).ToJsonString());

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("no job named 'ghost'", Assert.Single(JobsClient.ErrorsOf(ReportFor(report, "load"), "dependencies")), StringComparison.Ordinal);
        Assert.Empty(await ListAsync());
    }

    [Fact]
    public async Task Null_dependency_is_refused_naming_the_job_and_field()
    {
        var load = Pipeline("load");
        load["dependencies"] = new JsonArray(null, "extract");

        var (status, report) = await Client.ImportAsync(Jobs(Pipeline("extract"), load).ToJsonString());

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("null is not a name", Assert.Single(JobsClient.ErrorsOf(ReportFor(report, "load"), "dependencies")), StringComparison.Ordinal);
        Assert.Empty(await ListAsync());
    }

    [Fact]
    public async Task Dependency_on_an_existing_job_outside_the_file_is_accepted()
    {
        await Client.CreateJobAsync(Pipeline("extract"));

        var (status, report) = await Client.ImportAsync(Jobs(Pipeline("load", "extract")).ToJsonString());

        Assert.True(status == HttpStatusCode.OK, report?.ToJsonString());
        var load = Assert.Single(await ListAsync(), j => j.Name == "load");
        Assert.Equal(["extract"], load.Dependencies!);
    }

    [Fact]
    public async Task Dependency_on_a_job_later_in_the_file_is_accepted()
    {
        var (status, report) = await Client.ImportAsync(Jobs(Pipeline("load", "transform"), Pipeline("transform", "extract"), Pipeline("extract")).ToJsonString());

        Assert.True(status == HttpStatusCode.OK, report?.ToJsonString());
        Assert.Equal(3, (await ListAsync()).Count);
    }

    [Fact]
    public async Task Cycle_inside_the_file_is_refused_naming_every_job_of_it()
    {
        var (status, report) = await Client.ImportAsync(Jobs(Pipeline("a", "c"), Pipeline("b", "a"), Pipeline("c", "b")).ToJsonString());

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        var messages = report!["jobs"]!.AsArray()
            .Where(j => j!["errors"] is not null)
            .SelectMany(j => JobsClient.ErrorsOf(j, "dependencies"))
            .ToList();
        Assert.Equal(["These dependencies form a cycle: a -> b -> c -> a."], messages);
        Assert.Empty(await ListAsync());
    }

    [Fact]
    public async Task Cycle_through_an_existing_job_is_refused()
    {
        await Client.CreateJobAsync(Pipeline("extract"));
        await Client.CreateJobAsync(Pipeline("load", "extract"));

        var (status, report) = await Client.ImportAsync(Jobs(Pipeline("extract", "load")).ToJsonString());

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal(
            "These dependencies form a cycle: extract -> load -> extract.",
            Assert.Single(JobsClient.ErrorsOf(ReportFor(report, "extract"), "dependencies")));
    }

    [Fact]
    public async Task Secret_value_is_never_returned_or_exported_and_survives_a_put_of_the_returned_document()
    {
        var document = Pipeline("api-pull");
        document["environment"] = new JsonObject { ["API_KEY"] = "s3cr3t", ["ENV"] = "prod" };
        document["secret_environment"] = new JsonArray("API_KEY");

        using var created = await Client.PostAsync(new Uri("/api/jobs", UriKind.Relative), JobsClient.Json(document));
        var createdBody = await created.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.DoesNotContain("s3cr3t", createdBody, StringComparison.Ordinal);
        var id = JsonSerializer.Deserialize<JobDocument>(createdBody)!.Id;

        var single = await Client.GetStringAsync(new Uri($"/api/jobs/{id}", UriKind.Relative));
        var list = await Client.GetStringAsync(new Uri("/api/jobs", UriKind.Relative));
        var export = await Client.ExportAsync();
        Assert.DoesNotContain("s3cr3t", single, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", list, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", export, StringComparison.Ordinal);
        var read = JsonSerializer.Deserialize<JobDocument>(single)!;
        Assert.Equal(["API_KEY"], read.SecretEnvironment!);
        Assert.Equal("prod", JobsClient.EnvironmentOf(read)["ENV"]);

        // The document as returned goes back as it is, with only its description changed.
        var returned = JsonNode.Parse(single)!;
        returned["description"] = "edited in the browser";
        var (status, _) = await Client.SendJsonAsync(HttpMethod.Put, $"/api/jobs/{id}", returned.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, status);
        var stored = await StoredEnvironmentAsync("api-pull");
        Assert.Equal("s3cr3t", stored["API_KEY"]);
        Assert.Equal("prod", stored["ENV"]);
    }

    [Fact]
    public async Task Secret_given_a_new_value_replaces_the_stored_one()
    {
        var document = Pipeline("api-pull");
        document["environment"] = new JsonObject { ["API_KEY"] = "s3cr3t" };
        document["secret_environment"] = new JsonArray("API_KEY");
        var created = await Client.CreateJobAsync(document);
        document["environment"] = new JsonObject { ["API_KEY"] = "rotated" };

        var (status, body) = await Client.SendJsonAsync(HttpMethod.Put, $"/api/jobs/{created.Id}", document.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.DoesNotContain("rotated", body!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("rotated", (await StoredEnvironmentAsync("api-pull"))["API_KEY"]);
    }
}
