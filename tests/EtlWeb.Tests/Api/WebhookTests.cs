using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EtlWeb.Api;
using EtlWeb.Core.Jobs;
using EtlWeb.Security;
using EtlWeb.Tests.Security;
using EtlWeb.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace EtlWeb.Tests.Api;

public sealed class WebhookTests : HostTest
{
    private async Task<WebhookAddress> CreateWebhookAsync(JobDocument job, HttpClient? client = null)
    {
        using var response = await (client ?? Client).PostAsync(new Uri($"/api/jobs/{job.Id}/webhook", UriKind.Relative), null);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Creating the webhook: {(int)response.StatusCode} {body}");
        return JsonSerializer.Deserialize<WebhookAddress>(body)!;
    }

    /// <summary>Calls the hook as another system would: no account, no cookie, only the token in the address.</summary>
    private async Task<(HttpStatusCode Status, JsonNode? Body)> CallAsync(string token, string? json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/hooks/{token}", UriKind.Relative));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await Factory.AnonymousClient().SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, body.Length == 0 ? null : JsonNode.Parse(body));
    }

    [Fact]
    public async Task A_call_starts_the_job_with_the_body_as_ETL_HOOK_variables_and_its_downstream_job_without_them()
    {
        var extract = await Client.CreateJobAsync(JobsClient.ShellJob("extract")
            .With("command", "echo \"foo=$ETL_HOOK_FOO n=$ETL_HOOK_N_1 obj=$ETL_HOOK_OBJ nothing=[$ETL_HOOK_NOTHING] flag=$ETL_HOOK_FLAG\"")
            .With("environment", new JsonObject { ["ETL_HOOK_FOO"] = "the job's own value" }));
        var load = await Client.CreateJobAsync(JobsClient.ShellJob("load", "extract").With("command", "echo \"load sees [$ETL_HOOK_FOO]\""));
        var webhook = await CreateWebhookAsync(extract);

        var (status, body) = await CallAsync(webhook.WebhookToken, """{"foo": "bar baz", "n-1": 42, "obj": {"a": [1, 2]}, "nothing": null, "flag": true}""");

        Assert.Equal(HttpStatusCode.Accepted, status);
        var run = await Client.WaitForEndAsync(body!["run_id"]!.GetValue<long>());
        Assert.Equal(("Succeeded", "Webhook"), (run.Status, run.Trigger));
        Assert.Contains("foo=bar baz n=42 obj={\"a\":[1,2]} nothing=[] flag=true", await Client.LogAsync(run.Id), StringComparison.Ordinal);
        var downstream = Assert.Single(await Client.WaitForRunsAsync(load, 1, r => r.FinishedAt is not null));
        Assert.Equal("Upstream", downstream.Trigger);
        Assert.Contains("load sees []", await Client.LogAsync(downstream.Id), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hook_value_wins_over_the_jobs_own_secret_variable_of_the_same_name()
    {
        var job = await Client.CreateJobAsync(JobsClient.ShellJob("extract")
            .With("command", "echo \"token=$ETL_HOOK_TOKEN\"")
            .With("environment", new JsonObject { ["ETL_HOOK_TOKEN"] = "stored-secret" })
            .With("secret_environment", new JsonArray("ETL_HOOK_TOKEN")));
        var token = (await CreateWebhookAsync(job)).WebhookToken;

        var (_, body) = await CallAsync(token, """{"token": "from-the-caller"}""");

        var runId = body!["run_id"]!.GetValue<long>();
        Assert.Equal("Succeeded", (await Client.WaitForEndAsync(runId)).Status);
        Assert.Contains("token=from-the-caller", await Client.LogAsync(runId), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_call_with_variables_gets_a_run_of_its_own_while_one_without_joins_the_pending_run()
    {
        var pending = await Client.RunWaitingOnAJobThatNeverRanAsync();
        var down = (await Client.GetDocumentAsync<List<JobDocument>>("/api/jobs")).Single(j => j.Name == "down");
        var token = (await CreateWebhookAsync(down)).WebhookToken;

        var (_, joined) = await CallAsync(token, null);
        var (_, own) = await CallAsync(token, """{"date": "2026-11-27"}""");

        Assert.Equal(pending, joined!["run_id"]!.GetValue<long>());
        Assert.NotEqual(pending, own!["run_id"]!.GetValue<long>());
    }

    [Fact]
    public async Task The_webhook_answers_at_the_url_it_was_given_with_an_empty_body()
    {
        var job = await Client.CreateJobAsync(JobsClient.ShellJob("extract"));
        var webhook = await CreateWebhookAsync(job);
        var url = webhook.Url;

        Assert.StartsWith("whk_", webhook.WebhookToken, StringComparison.Ordinal);
        Assert.EndsWith($"/api/hooks/{webhook.WebhookToken}", url, StringComparison.Ordinal);
        var (status, body) = await CallAsync(webhook.WebhookToken, null);
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("Succeeded", (await Client.WaitForEndAsync(body!["run_id"]!.GetValue<long>())).Status);
    }

    [Fact]
    public async Task Rotating_refuses_the_old_token_at_once_and_the_new_one_starts_runs()
    {
        var job = await Client.CreateJobAsync(JobsClient.ShellJob("extract"));
        var old = (await CreateWebhookAsync(job)).WebhookToken;

        var rotated = (await CreateWebhookAsync(job)).WebhookToken;

        Assert.NotEqual(old, rotated);
        var (oldStatus, oldBody) = await CallAsync(old, "{}");
        Assert.Equal(HttpStatusCode.NotFound, oldStatus);
        Assert.Equal("There is no webhook at this address.", oldBody!["detail"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Accepted, (await CallAsync(rotated, "{}")).Status);
    }

    [Fact]
    public async Task A_removed_token_answers_404_like_one_that_never_existed()
    {
        var job = await Client.CreateJobAsync(JobsClient.ShellJob("extract"));
        var token = (await CreateWebhookAsync(job)).WebhookToken;

        using var removed = await Client.DeleteAsync(new Uri($"/api/jobs/{job.Id}/webhook", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await CallAsync(token, "{}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await CallAsync("whk_" + new string('A', 43), "{}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await CallAsync("guess", "{}")).Status);
        Assert.Null((await Client.GetJobAsync(job.Id!.Value)).WebhookToken);
        Assert.Empty(await Client.RunsOfAsync(job));
    }

    [Fact]
    public async Task A_disabled_job_answers_409_and_starts_nothing()
    {
        var job = await Client.CreateJobAsync(JobsClient.ShellJob("extract").With("enabled", false));
        var token = (await CreateWebhookAsync(job)).WebhookToken;

        var (status, body) = await CallAsync(token, "{}");

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("disabled", body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(await Client.RunsOfAsync(job));
    }

    [Theory]
    [InlineData("{\n  \"date\": 2026-11-27\n}", "Line 2, position 15: the body is not valid JSON")]
    [InlineData("[1, 2]", "The body must be a JSON object (or empty), not an array.")]
    [InlineData("\"2026-11-27\"", "The body must be a JSON object (or empty), not a string.")]
    [InlineData("""{"run-date": 1, "RUN_DATE": 2}""", "The keys 'run-date' and 'RUN_DATE' both become ETL_HOOK_RUN_DATE; rename one.")]
    public async Task A_body_that_is_not_a_usable_JSON_object_is_refused_with_400_saying_why(string json, string message)
    {
        var job = await Client.CreateJobAsync(JobsClient.ShellJob("extract"));
        var token = (await CreateWebhookAsync(job)).WebhookToken;

        var (status, body) = await CallAsync(token, json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith(message, body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(await Client.RunsOfAsync(job));
    }

    [Fact]
    public async Task A_body_over_64_KiB_is_refused_with_413()
    {
        var job = await Client.CreateJobAsync(JobsClient.ShellJob("extract"));
        var token = (await CreateWebhookAsync(job)).WebhookToken;

        var (status, _) = await CallAsync(token, $$"""{"blob": "{{new string('x', 64 * 1024)}}"}""");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Empty(await Client.RunsOfAsync(job));
    }

    [Fact]
    public async Task Only_Operators_and_Admins_see_the_token_and_only_they_may_create_one()
    {
        var job = await Client.CreateJobAsync(JobsClient.ShellJob("extract"));
        var viewer = await Factory.ClientForNewUserAsync(Client, "vera", EtlRoles.Viewer);
        var operatorClient = await Factory.ClientForNewUserAsync(Client, "otto", EtlRoles.Operator);

        using var refused = await viewer.PostAsync(new Uri($"/api/jobs/{job.Id}/webhook", UriKind.Relative), null);
        var token = (await CreateWebhookAsync(job, operatorClient)).WebhookToken;

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Null((await viewer.GetJobAsync(job.Id!.Value)).WebhookToken);
        Assert.Null((await viewer.GetDocumentAsync<List<JobDocument>>("/api/jobs"))[0].WebhookToken);
        Assert.Equal(token, (await operatorClient.GetJobAsync(job.Id!.Value)).WebhookToken);
        Assert.Equal(token, (await operatorClient.GetDocumentAsync<List<JobDocument>>("/api/jobs"))[0].WebhookToken);
        Assert.Equal(token, (await Client.GetJobAsync(job.Id!.Value)).WebhookToken);
    }

    [Fact]
    public async Task Export_leaves_the_token_out_and_import_and_put_ignore_one()
    {
        var job = await Client.CreateJobAsync(JobsClient.ShellJob("extract"));
        var token = (await CreateWebhookAsync(job)).WebhookToken;

        var export = await Client.ExportAsync();
        var (putStatus, _) = await Client.SendJsonAsync(HttpMethod.Put, $"/api/jobs/{job.Id}", JobsClient.ShellJob("extract").With("webhook_token", "whk_mine").ToJsonString());
        var (importStatus, report) = await Client.ImportAsync(new JsonArray(JobsClient.ShellJob("extract").With("webhook_token", "whk_mine"), JobsClient.ShellJob("other").With("webhook_token", "whk_mine")).ToJsonString());

        Assert.DoesNotContain("webhook_token", export, StringComparison.Ordinal);
        Assert.DoesNotContain(token, export, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (putStatus, importStatus));
        Assert.Equal("unchanged", report!["jobs"]!.AsArray().Single(j => j!["name"]!.GetValue<string>() == "extract")!["action"]!.GetValue<string>());
        var jobs = await Client.GetDocumentAsync<List<JobDocument>>("/api/jobs");
        Assert.Equal(token, jobs.Single(j => j.Name == "extract").WebhookToken);
        Assert.Null(jobs.Single(j => j.Name == "other").WebhookToken);
        Assert.Equal(HttpStatusCode.NotFound, (await CallAsync("whk_mine", "{}")).Status);
    }

    [Fact]
    public async Task Creating_rotating_calling_and_removing_a_webhook_are_audited_with_the_job_and_the_caller()
    {
        var job = await Client.CreateJobAsync(JobsClient.ShellJob("extract"));
        await CreateWebhookAsync(job);
        var token = (await CreateWebhookAsync(job)).WebhookToken;
        var (_, body) = await CallAsync(token, """{"date": "2026-11-27"}""");
        using var removed = await Client.DeleteAsync(new Uri($"/api/jobs/{job.Id}/webhook", UriKind.Relative));

        var (entries, _) = await Factory.Services.GetRequiredService<AuditLog>().SearchAsync(new AuditQuery(Text: "extract"));

        var webhookActions = entries.Where(e => e.Action.Contains("webhook", StringComparison.Ordinal)).Reverse().Select(e => (e.Action, e.Target)).ToList();
        Assert.Equal(
            [
                (AuditActions.WebhookCreated, "extract"),
                (AuditActions.WebhookRotated, "extract"),
                (AuditActions.WebhookRun, "extract"),
                (AuditActions.WebhookRemoved, "extract"),
            ],
            webhookActions);
        var call = entries.Single(e => e.Action == AuditActions.WebhookRun);
        Assert.Equal(("webhook", $"run {body!["run_id"]}, variables ETL_HOOK_DATE"), (call.Actor, call.Details));
        Assert.DoesNotContain("2026-11-27", call.Details, StringComparison.Ordinal);
    }
}
