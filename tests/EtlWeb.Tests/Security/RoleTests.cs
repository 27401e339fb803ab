using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using EtlWeb.Core.Jobs;
using EtlWeb.Core.Runs;
using EtlWeb.Features.Backup;
using EtlWeb.Features.Designer;
using EtlWeb.Features.Jobs;
using EtlWeb.Features.Runs;
using EtlWeb.Features.Security;
using EtlWeb.Features.Webhooks;
using EtlWeb.Security;
using EtlWeb.Settings;
using EtlWeb.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace EtlWeb.Tests.Security;

public sealed class RoleTests : HostTest
{
    /// <summary>Stands for a call made with no actor at all (not even one without a role).</summary>
    private const string NoActor = "no actor";

    private int _names;

    /// <summary>One API call: the least role that may make it, how to set up its target, and the answers that mean it was done.</summary>
    private sealed record RouteAction(string Name, string MinimumRole, Func<Task<HttpRequestMessage>> Prepare, params HttpStatusCode[] Done);

    /// <summary>A change made on the server as a circuit event would make it, and the least role that may make it.</summary>
    private sealed record ServiceAction(string Name, string MinimumRole, Func<IServiceProvider, Task> Act);

    [Fact]
    public Task A_Viewer_reads_jobs_runs_logs_and_the_export_and_gets_403_on_every_change_users_and_hangfire() =>
        AssertRoleAsync(EtlRoles.Viewer);

    [Fact]
    public Task An_Operator_also_runs_reruns_cancels_pauses_and_skips_and_gets_403_on_job_user_and_backup_changes() =>
        AssertRoleAsync(EtlRoles.Operator);

    [Fact]
    public Task An_Admin_may_make_every_call() => AssertRoleAsync(EtlRoles.Admin);

    [Fact]
    public async Task A_Viewer_acting_on_the_server_can_neither_trigger_a_run_nor_create_a_job()
    {
        var job = await Client.CreateJobAsync(JobsClient.ShellJob("extract"));
        var runs = Factory.Services.GetRequiredService<RunService>();
        var catalog = Factory.Services.GetRequiredService<JobCatalog>();

        using (Factory.Services.GetRequiredService<CurrentActor>().Enter(new Actor("v", EtlRoles.Viewer, null)))
        {
            await Assert.ThrowsAsync<AccessDeniedException>(() => runs.TriggerAsync(job.Id!.Value, TriggerKind.Manual));
            await Assert.ThrowsAsync<AccessDeniedException>(() => catalog.CreateAsync(new JobDocument { Name = "load", JobType = "shell", Command = "true" }));
        }

        Assert.Empty(await Client.RunsOfAsync(job));
        Assert.Equal(["extract"], (await Client.GetDocumentAsync<List<JobDocument>>("/api/jobs")).Select(j => j.Name));
    }

    [Fact]
    public async Task Every_service_that_changes_something_refuses_each_role_below_its_minimum_an_actor_without_a_role_and_no_actor()
    {
        var job = await Client.CreateJobAsync(JobsClient.ShellJob("extract").With("schedule_type", "cron").With("cron_expression", "0 0 1 1 *"));
        var id = job.Id!.Value;
        var userId = await Factory.CreateUserAsync(Client, "someone", EtlRoles.Viewer);
        ServiceAction[] actions =
        [
            new("trigger a run", EtlRoles.Operator, s => s.GetRequiredService<RunService>().TriggerAsync(id, TriggerKind.Manual)),
            new("re-run a run", EtlRoles.Operator, s => s.GetRequiredService<RunService>().RerunFailedAsync(1)),
            new("cancel a run", EtlRoles.Operator, s => s.GetRequiredService<RunService>().CancelAsync(1)),
            new("pause a schedule", EtlRoles.Operator, s => s.GetRequiredService<ScheduleControl>().PauseAsync(id, DateTimeOffset.MaxValue)),
            new("skip the next fire", EtlRoles.Operator, s => s.GetRequiredService<ScheduleControl>().SkipNextAsync(id)),
            new("create a webhook", EtlRoles.Operator, s => s.GetRequiredService<WebhookTokens>().CreateAsync(id)),
            new("remove a webhook", EtlRoles.Operator, s => s.GetRequiredService<WebhookTokens>().RemoveAsync(id)),
            new("create a job", EtlRoles.Admin, s => s.GetRequiredService<JobCatalog>().CreateAsync(new JobDocument { Name = "load", JobType = "shell", Command = "true" })),
            new("edit a job", EtlRoles.Admin, s => s.GetRequiredService<JobCatalog>().UpdateAsync(id, new JobDocument { Name = "extract", JobType = "shell", Command = "false" })),
            new("delete a job", EtlRoles.Admin, s => s.GetRequiredService<JobCatalog>().DeleteAsync(id)),
            new("disable a job", EtlRoles.Admin, s => s.GetRequiredService<JobCatalog>().SetEnabledAsync(id, false)),
            new("import jobs", EtlRoles.Admin, s => s.GetRequiredService<JobImporter>().ImportAsync("[]", dryRun: false)),
            new("change settings", EtlRoles.Admin, s => s.GetRequiredService<SettingsStore>().SaveAsync(new Dictionary<string, long?> { [SettingCatalog.RetentionDays.Key] = 3 })),
            new("make a backup", EtlRoles.Admin, s => s.GetRequiredService<BackupService>().CreateAsync()),
            new("move a job in the designer", EtlRoles.Admin, s => s.GetRequiredService<BoxPositionStore>().SaveAsync(new Dictionary<int, BoxPosition> { [id] = new(1, 2) })),
            new("create a user", EtlRoles.Admin, s => s.GetRequiredService<UserAdmin>().CreateAsync("intruder", EtlRoles.Admin, Accounts.Password)),
            new("change a role", EtlRoles.Admin, s => s.GetRequiredService<UserAdmin>().SetRoleAsync(userId, EtlRoles.Admin)),
            new("reset a password", EtlRoles.Admin, s => s.GetRequiredService<UserAdmin>().ResetPasswordAsync(userId, "another long password")),
            new("unlock a user", EtlRoles.Admin, s => s.GetRequiredService<UserAdmin>().UnlockAsync(userId)),
            new("delete a user", EtlRoles.Admin, s => s.GetRequiredService<UserAdmin>().DeleteAsync(userId)),
        ];
        var actors = Factory.Services.GetRequiredService<CurrentActor>();
        var allowed = new List<string>();

        foreach (var action in actions)
        {
            foreach (var role in EtlRoles.All.Where(r => !EtlRoles.Allows(r, action.MinimumRole)).Select(r => (string?)r).Append(null).Append(NoActor))
            {
                using (role == NoActor ? CurrentActor.AsNobody() : actors.Enter(new Actor("tester", role, null)))
                {
                    try
                    {
                        await action.Act(Factory.Services);
                        allowed.Add($"{role ?? "no role"} may {action.Name}");
                    }
                    catch (AccessDeniedException)
                    {
                        // Refused, as it should be.
                    }
                }
            }
        }

        Assert.True(allowed.Count == 0, string.Join('\n', allowed));
        var after = await Client.GetJobAsync(id);
        Assert.Equal(("echo extract", (bool?)true, (DateTimeOffset?)null), (after.Command, after.Enabled, after.PausedUntil));
        Assert.Empty(await Client.RunsOfAsync(job));
        Assert.Equal(["someone"], (await Client.GetJsonAsync("/api/users"))!.AsArray().Select(u => u!["name"]!.GetValue<string>()));
        Assert.Equal(EtlRoles.Viewer, (await Client.GetJsonAsync("/api/users"))![0]!["role"]!.GetValue<string>());
    }

    private async Task AssertRoleAsync(string role)
    {
        using var client = await Factory.ClientForNewUserAsync(Client, role.ToLowerInvariant(), role);
        var wrong = new List<string>();

        foreach (var action in RouteActions())
        {
            using var request = await action.Prepare();
            var call = $"{request.Method} {request.RequestUri}";
            using var response = await client.SendAsync(request);
            var expected = EtlRoles.Allows(role, action.MinimumRole) ? action.Done : [HttpStatusCode.Forbidden];
            if (!expected.Contains(response.StatusCode))
            {
                wrong.Add($"{action.Name} ({call}): expected {string.Join(" or ", expected.Select(s => (int)s))}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }

        Assert.True(wrong.Count == 0, $"{role}:\n" + string.Join('\n', wrong));
    }

    /// <summary>Every API call that reads or changes something, each on a target of its own made with the bootstrap token.</summary>
    private IEnumerable<RouteAction> RouteActions()
    {
        yield return new("list jobs", EtlRoles.Viewer, () => Get("/api/jobs"), HttpStatusCode.OK);
        yield return new("read a job", EtlRoles.Viewer, async () => await Get($"/api/jobs/{await NewJobAsync()}"), HttpStatusCode.OK);
        yield return new("list runs", EtlRoles.Viewer, () => Get("/api/runs"), HttpStatusCode.OK);
        yield return new("read a run", EtlRoles.Viewer, async () => await Get($"/api/runs/{await FailedRunAsync()}"), HttpStatusCode.OK);
        yield return new("read a run's log", EtlRoles.Viewer, async () => await Get($"/api/runs/{await FailedRunAsync()}/log"), HttpStatusCode.OK);
        yield return new("export jobs", EtlRoles.Viewer, () => Get("/api/export"), HttpStatusCode.OK);
        yield return new("read the OpenAPI document", EtlRoles.Viewer, () => Get("/openapi/v1.json"), HttpStatusCode.OK);
        yield return new("open the API reference", EtlRoles.Viewer, () => Get("/api/docs/"), HttpStatusCode.OK);

        yield return new("run a job", EtlRoles.Operator, async () => Post($"/api/jobs/{await NewJobAsync()}/run"), HttpStatusCode.Accepted);
        yield return new("re-run a failed run", EtlRoles.Operator, async () => Post($"/api/runs/{await FailedRunAsync()}/rerun"), HttpStatusCode.Accepted);
        yield return new("cancel a run", EtlRoles.Operator, async () => Post($"/api/runs/{await WaitingRunAsync()}/cancel"), HttpStatusCode.OK);
        yield return new("pause a schedule", EtlRoles.Operator, async () => Post($"/api/jobs/{await NewJobAsync()}/pause", new JsonObject { ["until"] = "2100-01-01T00:00:00Z" }), HttpStatusCode.NoContent);
        yield return new("resume a schedule", EtlRoles.Operator, async () => Post($"/api/jobs/{await NewJobAsync()}/resume"), HttpStatusCode.NoContent);
        yield return new("skip the next fire", EtlRoles.Operator, async () => Post($"/api/jobs/{await NewJobAsync(Yearly)}/skip-next"), HttpStatusCode.OK);
        yield return new("create a webhook", EtlRoles.Operator, async () => Post($"/api/jobs/{await NewJobAsync()}/webhook"), HttpStatusCode.OK);
        yield return new("remove a webhook", EtlRoles.Operator, async () => new HttpRequestMessage(HttpMethod.Delete, Relative($"/api/jobs/{await NewJobAsync()}/webhook")), HttpStatusCode.NoContent);

        yield return new("create a job", EtlRoles.Admin, () => Task.FromResult(Post("/api/jobs", JobsClient.ShellJob(NextName()))), HttpStatusCode.Created);
        yield return new("edit a job", EtlRoles.Admin, async () => Put($"/api/jobs/{await NewJobAsync()}", JobsClient.ShellJob(NextName())), HttpStatusCode.OK);
        yield return new("delete a job", EtlRoles.Admin, async () => new HttpRequestMessage(HttpMethod.Delete, Relative($"/api/jobs/{await NewJobAsync()}")), HttpStatusCode.NoContent);
        yield return new("disable a job", EtlRoles.Admin, async () => Post($"/api/jobs/{await NewJobAsync()}/disable"), HttpStatusCode.NoContent);
        yield return new("enable a job", EtlRoles.Admin, async () => Post($"/api/jobs/{await NewJobAsync(j => j.With("enabled", false))}/enable"), HttpStatusCode.NoContent);
        yield return new("import jobs", EtlRoles.Admin, () => Task.FromResult(Post("/api/import", new JsonArray(JobsClient.ShellJob(NextName())))), HttpStatusCode.OK);
        yield return new("make a backup", EtlRoles.Admin, () => Task.FromResult(Post("/api/backup")), HttpStatusCode.OK);
        yield return new("list users", EtlRoles.Admin, () => Get("/api/users"), HttpStatusCode.OK);
        yield return new("create a user", EtlRoles.Admin, () => Task.FromResult(Post("/api/users", new JsonObject { ["name"] = NextName(), ["role"] = EtlRoles.Viewer, ["password"] = Accounts.Password })), HttpStatusCode.Created);
        yield return new("open the Hangfire dashboard", EtlRoles.Admin, () => Get("/hangfire"), HttpStatusCode.OK);
    }

    private static JsonObject Yearly(JsonObject job) => job.With("schedule_type", "cron").With("cron_expression", "0 0 1 1 *");

    private string NextName() => "job-" + (++_names).ToString(CultureInfo.InvariantCulture);

    private async Task<int> NewJobAsync(Func<JsonObject, JsonObject>? shape = null)
    {
        var job = await Client.CreateJobAsync((shape ?? (j => j))(JobsClient.ShellJob(NextName())));
        return job.Id!.Value;
    }

    private async Task<long> FailedRunAsync()
    {
        var job = await Client.CreateJobAsync(JobsClient.ShellJob(NextName()).With("command", "false"));
        var runId = await Client.RunJobAsync(job);
        Assert.Equal("Failed", (await Client.WaitForEndAsync(runId)).Status);
        return runId;
    }

    /// <summary>A run that waits for an upstream job that never ran: active, with no process to stop.</summary>
    private async Task<long> WaitingRunAsync()
    {
        var upstream = NextName();
        await Client.CreateJobAsync(JobsClient.ShellJob(upstream));
        var runId = await Client.TriggerAsync(await Client.CreateJobAsync(JobsClient.ShellJob(NextName(), upstream)));
        await Client.WaitForRunAsync(runId, r => r.Reason is not null);
        return runId;
    }

    private static Uri Relative(string path) => new(path, UriKind.Relative);

    private static Task<HttpRequestMessage> Get(string path) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, Relative(path)));

    private static HttpRequestMessage Post(string path, JsonNode? body = null) => new(HttpMethod.Post, Relative(path))
    {
        Content = body is null ? null : JobsClient.Json(body),
    };

    private static HttpRequestMessage Put(string path, JsonNode body) => new(HttpMethod.Put, Relative(path)) { Content = JobsClient.Json(body) };
}
