using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using EtlWeb.Core.Jobs;
using EtlWeb.Features.Runs;
using EtlWeb.Security;
using EtlWeb.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace EtlWeb.Tests.Api;

/// <summary>
/// The desktop tool's etl_scheduler.db imported with its history: tests/fixtures/desktop/etl_scheduler.db, written by
/// make_etl_scheduler_db.py with the desktop's own schema (four jobs in a chain, a hundred executions, two of a job
/// deleted since). Its times are read in Europe/Berlin, where 02:00:00.12 on 1 September is 00:00:00.12 UTC.
/// </summary>
public sealed class DesktopDatabaseImportTests : HostTest
{
    private static readonly byte[] Fixture = File.ReadAllBytes(Path.Combine(Repository.Root, "tests", "fixtures", "desktop", "etl_scheduler.db"));

    private async Task<(HttpStatusCode Status, JsonNode? Body)> ImportAsync(byte[] file, bool dryRun, string zone = "Europe/Berlin")
    {
        using var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await Client.PostAsync(new Uri($"/api/import/desktop-database?dry_run={(dryRun ? "true" : "false")}&time_zone={zone}", UriKind.Relative), content);
        var body = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, body.Length == 0 ? null : JsonNode.Parse(body));
    }

    private Task<List<JobDocument>> JobsAsync() => Client.GetDocumentAsync<List<JobDocument>>("/api/jobs");

    private async Task<List<RunDocument>> RunsAsync(string jobName)
    {
        var job = Assert.Single(await JobsAsync(), j => j.Name == jobName);
        return await Client.GetDocumentAsync<List<RunDocument>>($"/api/runs?job_id={job.Id}&limit=500");
    }

    [Fact]
    public async Task A_dry_run_reports_the_jobs_the_history_and_every_column_it_does_not_read_and_writes_nothing()
    {
        var (status, report) = await ImportAsync(Fixture, dryRun: true);

        Assert.True(status == HttpStatusCode.OK, report?.ToJsonString());
        Assert.Equal(4, report!["created"]!.GetValue<int>());
        Assert.False(report["applied"]!.GetValue<bool>());
        var history = report["history"]!;
        Assert.Equal(100, history["runs"]!.GetValue<int>());
        Assert.Equal(0, history["already_imported"]!.GetValue<int>());
        Assert.Equal(2, history["of_deleted_jobs"]!.GetValue<int>());
        Assert.Equal("Europe/Berlin", history["time_zone"]!.GetValue<string>());
        Assert.Equal(50, history["runs_by_job"]!["Extract Sales"]!.GetValue<int>());
        Assert.Equal(50, history["runs_by_job"]!["Transform Sales"]!.GetValue<int>());
        // The fixture's executions ended in September and October 2026: past the default 30 days, which the report says.
        Assert.Equal((100, 30), (history["older_than_retention"]!.GetValue<int>(), history["retention_days"]!.GetValue<int>()));
        var ignored = report["ignored_columns"]!;
        Assert.Equal(["created_at", "last_run", "next_run", "status", "updated_at"], ignored["jobs"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal(["created_at"], ignored["job_dependencies"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Empty(ignored["job_executions"]!.AsArray());

        Assert.Empty(await JobsAsync());
        Assert.Empty(await Client.GetDocumentAsync<List<RunDocument>>("/api/runs"));
    }

    [Fact]
    public async Task Importing_brings_the_jobs_their_dependencies_and_each_execution_as_a_run_with_its_log_once()
    {
        var (status, report) = await ImportAsync(Fixture, dryRun: false);
        Assert.True(status == HttpStatusCode.OK, report?.ToJsonString());
        Assert.True(report!["applied"]!.GetValue<bool>());

        var jobs = (await JobsAsync()).ToDictionary(j => j.Name!);
        Assert.Equal(["Extract Sales", "Load Warehouse", "Transform Sales", "Weekly Backup"], jobs.Keys.Order(StringComparer.Ordinal));
        var extract = jobs["Extract Sales"];
        Assert.Equal(("python", "daily_etl.py", "/home/user/etl"), (extract.JobType, extract.Command, extract.WorkingDirectory));
        Assert.Equal(("cron", "0 2 * * *", 3, 60, 3600), (extract.ScheduleType, extract.CronExpression, extract.MaxRetries, extract.RetryDelaySeconds, extract.TimeoutSeconds));
        Assert.Equal("data@example.com", extract.NotifyEmail);
        Assert.Equal("crm", extract.Environment!.Value.GetProperty("SOURCE").GetString());
        Assert.Equal("Extract Sales", jobs["Transform Sales"].Dependencies!.Single()!.Job);
        Assert.Equal("Transform Sales", jobs["Load Warehouse"].Dependencies!.Single()!.Job);
        Assert.Equal(("interval", 1440), (jobs["Load Warehouse"].ScheduleType, jobs["Load Warehouse"].IntervalMinutes));
        Assert.False(jobs["Weekly Backup"].Enabled);
        Assert.Equal(0, jobs["Transform Sales"].TimeoutSeconds);

        var extractRuns = await RunsAsync("Extract Sales");
        Assert.Equal(50, extractRuns.Count);
        Assert.All(extractRuns, r => Assert.Equal("Imported", r.Trigger));
        Assert.Equal(5, extractRuns.Count(r => r.Status == "Failed" && r.Attempts.Single().ExitCode == 2));
        var first = extractRuns.MinBy(r => r.StartedAt)!;
        Assert.Equal(new DateTimeOffset(2026, 9, 1, 0, 0, 0, 120, TimeSpan.Zero), first.StartedAt);
        Assert.Equal(TimeSpan.FromSeconds(30), first.FinishedAt - first.StartedAt);
        Assert.Equal("Succeeded", first.Status);
        var log = await Client.LogAsync(first.Id);
        Assert.Contains("Processed 1000 records", log, StringComparison.Ordinal);
        Assert.Contains("Done night 1", log, StringComparison.Ordinal);
        var failed = extractRuns.First(r => r.Status == "Failed");
        Assert.Contains("ConnectionError: crm unreachable", await Client.LogAsync(failed.Id, "?stream=stderr"), StringComparison.Ordinal);
        Assert.StartsWith("Desktop tool execution ", failed.Reason, StringComparison.Ordinal);
        Assert.Contains("after 3 retries", failed.Reason, StringComparison.Ordinal);

        var transform = await RunsAsync("Transform Sales");
        Assert.Equal((48, 1, 1), (transform.Count(r => r.Status == "Succeeded"), transform.Count(r => r.Status == "TimedOut"), transform.Count(r => r.Status == "Interrupted")));
        Assert.Equal("Failed", Assert.Single(jobs, j => j.Key == "Extract Sales").Value.Status);

        var (entries, _) = await Factory.Services.GetRequiredService<AuditLog>().SearchAsync(new AuditQuery(Action: AuditActions.Imported));
        Assert.Contains("100 run(s) of history", Assert.Single(entries).Details, StringComparison.Ordinal);

        var (_, again) = await ImportAsync(Fixture, dryRun: true);
        Assert.Equal((0, 100, 4), (again!["history"]!["runs"]!.GetValue<int>(), again["history"]!["already_imported"]!.GetValue<int>(), again["unchanged"]!.GetValue<int>()));
        var (reimported, _) = await ImportAsync(Fixture, dryRun: false);
        Assert.Equal(HttpStatusCode.OK, reimported);
        Assert.Equal(50, (await RunsAsync("Extract Sales")).Count);
    }

    [Fact]
    public async Task A_file_that_is_not_the_desktop_database_is_refused_with_a_clear_message_and_nothing_is_written()
    {
        var (status, report) = await ImportAsync("[{\"name\": \"x\"}]"u8.ToArray(), dryRun: false);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("not an SQLite database", report!["errors"]![0]!.GetValue<string>(), StringComparison.Ordinal);

        var other = Path.Combine(Factory.DataDirectory, "other.db");
        await Sqlite(other, "CREATE TABLE jobs (id INTEGER PRIMARY KEY, name TEXT);");
        (status, report) = await ImportAsync(await File.ReadAllBytesAsync(other), dryRun: false);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("This is an SQLite database but not the desktop tool's etl_scheduler.db: it has no table job_dependencies, job_executions.", report!["errors"]![0]!.GetValue<string>());

        var broken = Path.Combine(Factory.DataDirectory, "broken.db");
        File.Copy(Path.Combine(Repository.Root, "tests", "fixtures", "desktop", "etl_scheduler.db"), broken);
        await Sqlite(broken, "UPDATE job_executions SET start_time = 'yesterday' WHERE id = 7;");
        (status, report) = await ImportAsync(await File.ReadAllBytesAsync(broken), dryRun: false);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("job_executions row id 7 (job 'Extract Sales'): start_time 'yesterday' is not a date and time.", Assert.Single(report!["errors"]!.AsArray())!.GetValue<string>());

        var (badZone, problem) = await ImportAsync(Fixture, dryRun: true, zone: "Mars/Olympus");
        Assert.Equal(HttpStatusCode.BadRequest, badZone);
        Assert.Contains("Mars/Olympus", JobsClient.ErrorsOf(problem, "time_zone").Single(), StringComparison.Ordinal);

        Assert.Empty(await JobsAsync());
        Assert.Empty(await Client.GetDocumentAsync<List<RunDocument>>("/api/runs"));
    }

    private static async Task Sqlite(string path, string sql)
    {
        await using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False");
        await db.OpenAsync();
        await using var command = db.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
