using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using EtlWeb.Data;
using EtlWeb.Features.Backup;
using EtlWeb.Features.Security;
using EtlWeb.Security;
using EtlWeb.Settings;
using EtlWeb.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace EtlWeb.Tests.Security;

public sealed class AuditTests : HostTest
{
    private const string Bootstrap = "bootstrap token";

    private CurrentActor Actors => Factory.Services.GetRequiredService<CurrentActor>();

    [Fact]
    public async Task Each_change_through_the_API_is_audited_once_with_its_action_its_target_and_the_bootstrap_token_as_actor()
    {
        var job = await Client.CreateJobAsync(JobsClient.ShellJob("extract"));
        var id = job.Id;
        await SendAsync(HttpMethod.Put, $"/api/jobs/{id}", JobsClient.ShellJob("extract").With("command", "echo edited"), HttpStatusCode.OK);
        await SendAsync(HttpMethod.Post, $"/api/jobs/{id}/disable", null, HttpStatusCode.NoContent);
        await SendAsync(HttpMethod.Post, $"/api/jobs/{id}/enable", null, HttpStatusCode.NoContent);
        var runId = await Client.RunJobAsync(job);
        await Client.WaitForEndAsync(runId);
        var waiting = await Client.RunWaitingOnAJobThatNeverRanAsync();
        await SendAsync(HttpMethod.Post, $"/api/runs/{waiting}/cancel", null, HttpStatusCode.OK);
        await SendAsync(HttpMethod.Post, "/api/import", new JsonArray(JobsClient.ShellJob("imported")), HttpStatusCode.OK);
        await SendAsync(HttpMethod.Post, $"/api/jobs/{id}/pause", new JsonObject { ["until"] = "2100-01-01T00:00:00Z" }, HttpStatusCode.NoContent);
        var backup = await SendAsync(HttpMethod.Post, "/api/backup", null, HttpStatusCode.OK);
        await SendAsync(HttpMethod.Post, "/api/users", new JsonObject { ["name"] = "ann", ["role"] = EtlRoles.Viewer, ["password"] = Accounts.Password }, HttpStatusCode.Created);
        using (Actors.Enter(new Actor("settings admin", EtlRoles.Admin, "192.0.2.7")))
        {
            Assert.Empty(await Factory.Services.GetRequiredService<SettingsStore>().SaveAsync(new Dictionary<string, long?> { [SettingCatalog.RetentionDays.Key] = 3 }));
        }

        await SendAsync(HttpMethod.Delete, $"/api/jobs/{id}", null, HttpStatusCode.NoContent);

        var entries = await EntriesAsync();
        Assert.Equal(
            [
                (AuditActions.JobCreated, Bootstrap, "extract"),
                (AuditActions.JobEdited, Bootstrap, "extract"),
                (AuditActions.JobDisabled, Bootstrap, "extract"),
                (AuditActions.JobEnabled, Bootstrap, "extract"),
                (AuditActions.RunTriggered, Bootstrap, "extract"),
                (AuditActions.JobCreated, Bootstrap, "never"),
                (AuditActions.JobCreated, Bootstrap, "down"),
                (AuditActions.RunTriggered, Bootstrap, "down"),
                (AuditActions.RunCancelled, Bootstrap, "down"),
                (AuditActions.Imported, Bootstrap, "1 job(s)"),
                (AuditActions.ScheduleChanged, Bootstrap, "extract"),
                (AuditActions.BackupMade, Bootstrap, JsonSerializer.Deserialize<BackupResult>(backup!, JsonSerializerOptions.Web)!.Directory),
                (AuditActions.UserCreated, Bootstrap, "ann"),
                (AuditActions.SettingsChanged, "settings admin", SettingCatalog.RetentionDays.Key),
                (AuditActions.JobDeleted, Bootstrap, "extract"),
            ],
            entries.Select(e => (e.Action, e.Actor, e.Target)));
        Assert.Equal($"run {runId}", entries.Single(e => e.Action == AuditActions.RunTriggered && e.Target == "extract").Details);
        Assert.Equal($"run {waiting}", entries.Single(e => e.Action == AuditActions.RunCancelled).Details);
        Assert.Equal("192.0.2.7", entries.Single(e => e.Action == AuditActions.SettingsChanged).Address);
    }

    [Fact]
    public async Task A_job_edit_records_each_changed_field_with_old_and_new_values_and_never_a_secrets_value()
    {
        await Client.CreateJobAsync(JobsClient.ShellJob("stage"));
        var job = await Client.CreateJobAsync(JobsClient.ShellJob("load")
            .With("environment", new JsonObject { ["TOKEN"] = "first-secret-value", ["REGION"] = "eu" })
            .With("secret_environment", new JsonArray("TOKEN")));

        await SendAsync(HttpMethod.Put, $"/api/jobs/{job.Id}", JobsClient.ShellJob("load", "stage")
            .With("command", "echo loaded")
            .With("timeout_seconds", 60)
            .With("environment", new JsonObject { ["TOKEN"] = "second-secret-value", ["REGION"] = "us", ["MODE"] = "full" })
            .With("secret_environment", new JsonArray("TOKEN")), HttpStatusCode.OK);

        var edit = (await EntriesAsync()).Single(e => e.Action == AuditActions.JobEdited);
        Assert.Equal(
            $"job {job.Id}: command: \"echo load\" -> \"echo loaded\"; timeout_seconds: \"0\" -> \"60\"; environment.MODE added: \"full\"; "
            + "environment.REGION: \"eu\" -> \"us\"; environment.TOKEN: \"(secret)\" -> \"(secret)\"; dependencies: \"\" -> \"stage\"",
            edit.Details);
        Assert.DoesNotContain("secret-value", edit.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Runs_the_scheduler_starts_are_not_audited()
    {
        var ticker = await Client.CreateJobAsync(JobsClient.ShellJob("ticker").With("schedule_type", "cron").With("cron_expression", "* * * * * *"));

        var fired = await Client.WaitForRunsAsync(ticker, 2, r => r.Status == "Succeeded");
        await SendAsync(HttpMethod.Post, $"/api/jobs/{ticker.Id}/disable", null, HttpStatusCode.NoContent);

        Assert.All(fired, r => Assert.Equal("Schedule", r.Trigger));
        Assert.Equal(
            [(AuditActions.JobCreated, "ticker"), (AuditActions.JobDisabled, "ticker")],
            (await EntriesAsync()).Select(e => (e.Action, e.Target)));
    }

    [Fact]
    public async Task Creating_and_revoking_a_token_is_audited_under_its_name_without_the_token_itself()
    {
        var userId = await Factory.CreateUserAsync(Client, "ann", EtlRoles.Viewer);
        var tokens = Factory.Services.GetRequiredService<ApiTokens>();
        string secret;
        using (Actors.Enter(new Actor("ann", EtlRoles.Viewer, "192.0.2.8")))
        {
            var (token, created) = await tokens.CreateAsync(userId, "nightly export");
            secret = created;
            Assert.True(await tokens.RevokeAsync(userId, token.Id));
        }

        var entries = (await EntriesAsync()).Where(e => e.Actor == "ann").ToList();
        Assert.Equal(
            [(AuditActions.TokenCreated, "nightly export", "192.0.2.8"), (AuditActions.TokenRevoked, "nightly export", "192.0.2.8")],
            entries.Select(e => (e.Action, e.Target, e.Address)));
        Assert.All(entries, e => Assert.StartsWith(secret[..10], e.Details, StringComparison.Ordinal));
        Assert.All(entries, e => Assert.DoesNotContain(secret[10..], e.Details, StringComparison.Ordinal));
    }

    /// <summary>The whole audit log, oldest first.</summary>
    private async Task<List<AuditEntry>> EntriesAsync()
    {
        var (entries, total) = await Factory.Services.GetRequiredService<AuditLog>().SearchAsync(new AuditQuery(Take: AuditLog.MaxPage));
        Assert.True(total < AuditLog.MaxPage, $"{total} entries: more than one page");
        return [.. entries.OrderBy(e => e.Id)];
    }

    private async Task<JsonNode?> SendAsync(HttpMethod method, string path, JsonNode? body, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = body is null ? null : JobsClient.Json(body) };
        using var response = await Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {path}: expected {(int)expected}, got {(int)response.StatusCode} {text}");
        return text.Length == 0 ? null : JsonNode.Parse(text);
    }
}
