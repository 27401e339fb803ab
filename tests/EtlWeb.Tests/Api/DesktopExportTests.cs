using System.Net;
using System.Text.Json.Nodes;
using EtlWeb.Tests.Support;

namespace EtlWeb.Tests.Api;

/// <summary>
/// <c>GET /api/export?format=desktop</c> writes the desktop tool's own format, and the desktop tool's import reads it:
/// the test imports the file the way its File > Import Jobs does (each field into the column of its name, in a database
/// with its schema), with Python's sqlite3 as the desktop tool uses it.
/// </summary>
public sealed class DesktopExportTests : HostTest
{
    private static readonly string[] DesktopFields =
    [
        "name", "description", "job_type", "command", "working_directory", "environment_vars", "schedule_type", "cron_expression",
        "interval_minutes", "enabled", "max_retries", "retry_delay_seconds", "timeout_seconds", "notification_email",
        "notify_on_success", "notify_on_failure",
    ];

    /// <summary>The desktop tool's import (etl_scheduler.py import_jobs and job_manager.py create_job) into its schema; prints the rows.</summary>
    private const string DesktopImport = """
        import json, sqlite3, sys
        sys.path.insert(0, sys.argv[1])
        from make_etl_scheduler_db import SCHEMA
        db = sqlite3.connect(":memory:")
        db.row_factory = sqlite3.Row
        db.executescript(SCHEMA)
        for job_data in json.load(sys.stdin):
            job_data.pop("id", None)
            if isinstance(job_data.get("environment_vars"), dict):
                job_data["environment_vars"] = json.dumps(job_data["environment_vars"])
            fields = [k for k in job_data if k not in ("id", "created_at", "updated_at")]
            db.execute(f"INSERT INTO jobs ({','.join(fields)}) VALUES ({','.join('?' for _ in fields)})", [job_data[k] for k in fields])
        json.dump([dict(r) for r in db.execute("SELECT * FROM jobs ORDER BY name")], sys.stdout)
        """;

    [Fact]
    public async Task The_desktop_format_has_exactly_the_desktop_fields_and_the_desktop_tool_imports_it()
    {
        await Client.CreateShellJobAsync("backup", "./backup.sh", j =>
        {
            j["working_directory"] = "/home/user/scripts";
            j["schedule_type"] = "cron";
            j["cron_expression"] = "0 0 * * 0";
            j["environment"] = new JsonObject { ["TARGET"] = "/data/important", ["TOKEN"] = "s3cret" };
            j["secret_environment"] = new JsonArray("TOKEN");
            j["notify_email"] = "ops@example.com";
        });
        await Client.CreateShellJobAsync("daily etl", "daily_etl.py", j =>
        {
            j["job_type"] = "python";
            j["schedule_type"] = "interval";
            j["interval_minutes"] = 1440;
            j["timeout_seconds"] = 600;
            j["max_retries"] = 3;
            j["enabled"] = false;
            j["dependencies"] = new JsonArray("backup");
        });

        using var response = await Client.GetAsync(new Uri("/api/export?format=desktop", UriKind.Relative));
        response.EnsureSuccessStatusCode();
        Assert.Equal("etl-scheduler-jobs.json", response.Content.Headers.ContentDisposition?.FileName);
        var export = await response.Content.ReadAsStringAsync();
        var jobs = JsonNode.Parse(export)!.AsArray();
        Assert.All(jobs, j => Assert.Equal(DesktopFields, j!.AsObject().Select(p => p.Key)));
        Assert.DoesNotContain("s3cret", export, StringComparison.Ordinal);

        var rows = JsonNode.Parse(await DesktopImportAsync(export))!.AsArray();
        Assert.Equal(["backup", "daily etl"], rows.Select(r => r!["name"]!.GetValue<string>()));
        var backup = rows[0]!;
        Assert.Equal(("shell", "./backup.sh", "cron", "0 0 * * 0"), (backup["job_type"]!.GetValue<string>(), backup["command"]!.GetValue<string>(),
            backup["schedule_type"]!.GetValue<string>(), backup["cron_expression"]!.GetValue<string>()));
        Assert.Equal("""{"TARGET": "/data/important"}""", backup["environment_vars"]!.GetValue<string>().Replace("\":\"", "\": \"", StringComparison.Ordinal));
        Assert.Equal("ops@example.com", backup["notification_email"]!.GetValue<string>());
        Assert.Null(backup["timeout_seconds"]);
        var daily = rows[1]!;
        Assert.Equal(("python", "interval", 1440, 600, 3, 0), (daily["job_type"]!.GetValue<string>(), daily["schedule_type"]!.GetValue<string>(),
            daily["interval_minutes"]!.GetValue<int>(), daily["timeout_seconds"]!.GetValue<int>(), daily["max_retries"]!.GetValue<int>(), daily["enabled"]!.GetValue<int>()));
        Assert.Null(daily["cron_expression"]);

        // And EtlWeb reads the desktop format back: the same jobs, but without what the desktop tool cannot hold (a link).
        var (status, report) = await Client.ImportAsync(export, dryRun: true);
        Assert.True(status == HttpStatusCode.OK, report?.ToJsonString());
        Assert.Equal(["backup: updated", "daily etl: updated"], report!["jobs"]!.AsArray().Select(j => $"{j!["name"]}: {j["action"]}"));
    }

    [Fact]
    public async Task An_unknown_export_format_is_refused_naming_the_formats()
    {
        using var response = await Client.GetAsync(new Uri("/api/export?format=csv", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("'csv' is not an export format; use etlweb (the default) or desktop.", JobsClient.ErrorsOf(problem, "format").Single());
    }

    private static Task<string> DesktopImportAsync(string export) =>
        DebianPython.RunAsync(DesktopImport, export, "The desktop tool's import refused the export", Path.Combine(Repository.Root, "tests", "fixtures", "desktop"));
}
