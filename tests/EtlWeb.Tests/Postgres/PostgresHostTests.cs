using System.Net;
using System.Net.Http.Headers;
using EtlWeb.Configuration;
using EtlWeb.Security;
using EtlWeb.Settings;
using EtlWeb.Tests.Security;
using EtlWeb.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EtlWeb.Tests.Postgres;

/// <summary>The whole host in memory over a real PostgreSQL database: sign-in, tokens, saved settings, searches and times.</summary>
public sealed class PostgresHostTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private async Task<EtlWebFactory> FactoryAsync(string? connectionString = null, string? dataDirectory = null)
    {
        var settings = PostgresFixture.Settings(connectionString ?? await postgres.CreateDatabaseAsync());
        return dataDirectory is null
            ? new EtlWebFactory { Settings = settings }
            : new EtlWebFactory { Settings = settings, DataDirectory = dataDirectory, DeleteDataDirectoryOnDispose = false };
    }

    [Fact]
    public async Task Jobs_runs_and_Hangfire_jobs_are_stored_in_the_database_and_no_SQLite_file_is_made()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var factory = await FactoryAsync(connectionString);
        using var client = factory.CreateClient();
        var job = await client.CreateJobAsync(JobsClient.ShellJob("stored"));
        Assert.Equal("Succeeded", (await client.WaitForEndAsync(await client.RunJobAsync(job))).Status);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        Assert.Equal("stored", await ScalarAsync(connection, "SELECT \"Name\" FROM jobs"));
        Assert.Equal(1L, await ScalarAsync(connection, "SELECT count(*) FROM runs"));
        Assert.True((long)(await ScalarAsync(connection, $"SELECT count(*) FROM {DatabaseOptions.HangfireSchema}.job"))! >= 1);
        Assert.Empty(Directory.GetFiles(factory.DataDirectory, "*.db"));
    }

    [Fact]
    public async Task A_backfill_with_parameters_runs_on_PostgreSQL_with_its_logical_dates_and_outcomes()
    {
        await using var factory = await FactoryAsync();
        using var client = factory.CreateClient();
        var job = await client.CreateJobAsync(JobsClient.ShellJob("nightly")
            .With("command", "echo \"day=$ETL_PARAM_DAY\"")
            .With("schedule_type", "cron").With("cron_expression", "0 2 * * *").With("time_zone", "Europe/Berlin")
            .With("parameters", System.Text.Json.Nodes.JsonNode.Parse("""[{"name": "day", "type": "date", "default": "{{ logical_date | date: '%Y-%m-%d' }}"}]""")));

        var (status, body) = await client.SendJsonAsync(HttpMethod.Post, $"/api/jobs/{job.Id}/backfills",
            """{"from": "2026-03-28T00:00:00+01:00", "to": "2026-03-30T23:00:00+02:00", "max_parallel": 2, "order": "newest"}""");
        Assert.Equal(HttpStatusCode.Created, status);
        var id = body!["id"]!.GetValue<long>();
        Features.Backfills.BackfillDocument backfill;
        var polls = 0;
        do
        {
            await Task.Delay(100);
            backfill = await client.GetDocumentAsync<Features.Backfills.BackfillDocument>($"/api/backfills/{id}");
        }
        while (backfill.Status != "Finished" && ++polls < 600);

        Assert.Equal(3, backfill.Counts.Done);
        var runs = await client.GetDocumentAsync<List<Features.Runs.RunDocument>>(
            $"/api/runs?backfill_id={id}&logical_from=2026-03-29T00:00:00%2B02:00&logical_to=2026-03-30T23:59:59%2B02:00");
        Assert.Equal(["2026-03-29", "2026-03-30"], runs.Select(r => r.Params["day"].GetString()).Order());
    }

    [Fact]
    public async Task A_user_signs_in_with_a_password_and_with_an_API_token()
    {
        await using var factory = await FactoryAsync();
        using var admin = factory.CreateClient();
        var userId = await factory.CreateUserAsync(admin, "ann", EtlRoles.Operator);

        using var bearer = factory.BearerClient(await factory.CreateTokenAsync(userId));
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync(new Uri("/api/jobs", UriKind.Relative))).StatusCode);

        using var browser = factory.AnonymousClient(cookies: true);
        using var signIn = await Forms.SubmitAsync(browser, "/account/login", new Dictionary<string, string>
        {
            ["Input.UserName"] = "ann",
            ["Input.Password"] = Accounts.Password,
        });
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(new Uri("/api/jobs", UriKind.Relative))).StatusCode);

        using var wrong = factory.AnonymousClient();
        wrong.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "etl_not-a-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync(new Uri("/api/jobs", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_setting_saved_on_the_Settings_page_is_kept_across_a_restart()
    {
        using var admin = Acting.AsAdmin();
        var connectionString = await postgres.CreateDatabaseAsync();
        var dataDirectory = Path.Combine(Path.GetTempPath(), "etlweb-tests", Guid.NewGuid().ToString("N"));
        try
        {
            await using (var first = await FactoryAsync(connectionString, dataDirectory))
            {
                var store = first.Services.GetRequiredService<SettingsStore>();
                Assert.Empty(await store.SaveAsync(new Dictionary<string, long?> { [SettingCatalog.RetentionRunsPerJob.Key] = 7 }));
                Assert.Equal(7, store.Current.Retention.RunsPerJob);
            }

            await using var second = await FactoryAsync(connectionString, dataDirectory);
            Assert.Equal(7, second.Services.GetRequiredService<SettingsStore>().Current.Retention.RunsPerJob);
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task The_audit_search_ignores_case_as_on_SQLite()
    {
        await using var factory = await FactoryAsync();
        using var client = factory.CreateClient();
        await client.CreateJobAsync(JobsClient.ShellJob("Nightly-Load"));

        var (entries, total) = await factory.Services.GetRequiredService<AuditLog>().SearchAsync(new AuditQuery(Text: "nightly-LOAD"));

        Assert.Equal(1, total);
        Assert.Equal("Nightly-Load", Assert.Single(entries).Target);
    }

    [Fact]
    public async Task A_pause_given_with_another_offset_is_stored_as_the_same_instant()
    {
        await using var factory = await FactoryAsync();
        using var client = factory.CreateClient();
        var job = await client.CreateJobAsync(JobsClient.ShellJob("paused").With("schedule_type", "interval").With("interval_minutes", 5));

        var (status, body) = await client.SendJsonAsync(HttpMethod.Post, $"/api/jobs/{job.Id}/pause", """{"until": "2030-01-01T12:00:00+02:00"}""");

        Assert.True(status == HttpStatusCode.NoContent, body?.ToJsonString());
        var stored = (await client.GetJobAsync(job.Id!.Value)).PausedUntil;
        Assert.Equal(new DateTimeOffset(2030, 1, 1, 10, 0, 0, TimeSpan.Zero), stored);
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
