using System.Net;
using System.Text.Json.Nodes;
using EtlWeb.Core.Jobs;
using EtlWeb.Features.Runs;
using EtlWeb.Tests.Support;

namespace EtlWeb.Tests.Security;

/// <summary>
/// A user whose only role is Operator of folder <c>finance</c> (granted through <c>PUT /api/users/{name}/grants</c>) works
/// with an API token: the jobs of other folders, and their runs, are absent from every list and every route answers 404.
/// </summary>
public sealed class FolderAccessTests : HostTest
{
    private async Task<(JobDocument Daily, JobDocument Ops, HttpClient Finance)> ArrangeAsync()
    {
        var ops = await Client.CreateJobAsync(Folder(JobsClient.ShellJob("Ops backup"), "ops"));
        var daily = await Client.CreateJobAsync(Folder(JobsClient.ShellJob("Finance daily", "Ops backup"), "finance/daily"));
        var userId = await Factory.CreateUserAsync(Client, "fin", "None");
        var (status, body) = await Client.SendJsonAsync(HttpMethod.Put, "/api/users/fin/grants", """[{"folder": "finance/**", "role": "Operator"}]""");
        Assert.True(status == HttpStatusCode.OK, body?.ToJsonString());
        return (daily, ops, Factory.BearerClient(await Factory.CreateTokenAsync(userId)));
    }

    private static JsonObject Folder(JsonObject job, string folder)
    {
        job["folder"] = folder;
        return job;
    }

    [Fact]
    public async Task A_folder_Operator_sees_only_that_folder_in_lists_runs_and_the_export()
    {
        var (daily, ops, finance) = await ArrangeAsync();
        var opsRun = await Client.RunJobAsync(ops);
        await Client.WaitForEndAsync(opsRun);

        var jobs = await finance.GetDocumentAsync<List<JobDocument>>("/api/jobs");
        Assert.Equal(["Finance daily"], jobs.Select(j => j.Name));
        Assert.Equal("finance/daily", jobs[0].Folder);
        // The link to the hidden job is not shown, and a save keeps it.
        Assert.Empty(jobs[0].UpstreamNames());
        Assert.Empty(await finance.GetDocumentAsync<List<JobDocument>>("/api/jobs?folder=ops"));
        Assert.Equal(["Ops backup"], (await Client.GetDocumentAsync<List<JobDocument>>("/api/jobs?folder=ops")).Select(j => j.Name));
        Assert.Equal(["Finance daily"], (await Client.GetDocumentAsync<List<JobDocument>>("/api/jobs?folder=finance")).Select(j => j.Name));

        var runId = await finance.RunJobAsync(daily);
        await finance.WaitForEndAsync(runId);
        // The Ops job's run pulled its Manual downstream into its pipeline: that run is the folder's, the Ops run is not.
        var runs = await finance.GetDocumentAsync<List<RunDocument>>("/api/runs");
        Assert.Contains(runId, runs.Select(r => r.Id));
        Assert.Equal(["Finance daily"], runs.Select(r => r.JobName).Distinct());
        Assert.Contains(opsRun, (await Client.GetDocumentAsync<List<RunDocument>>("/api/runs")).Select(r => r.Id));
        Assert.Equal([opsRun], (await Client.GetDocumentAsync<List<RunDocument>>("/api/runs?folder=ops")).Select(r => r.Id));

        var export = JsonNode.Parse(await finance.GetStringAsync(new Uri("/api/export", UriKind.Relative)))!.AsArray();
        Assert.Equal(["Finance daily"], export.Select(j => (string?)j!["name"]));
        Assert.Equal(["Ops backup"], JsonNode.Parse(await Client.GetStringAsync(new Uri("/api/export?folder=ops", UriKind.Relative)))!.AsArray().Select(j => (string?)j!["name"]));
        Assert.Equal(["Ops backup"], (await Client.GetJobAsync(daily.Id!.Value)).UpstreamNames());

        var (bad, body) = await Client.SendJsonAsync(HttpMethod.Get, "/api/jobs?folder=a//b", "");
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.Contains("empty folder name", JobsClient.ErrorsOf(body, "folder").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_route_of_a_hidden_job_or_run_answers_404_and_a_folder_Operator_may_run_but_not_edit()
    {
        var (daily, ops, finance) = await ArrangeAsync();
        var opsRun = await Client.RunJobAsync(ops);
        await Client.WaitForEndAsync(opsRun);
        var endpoints = await MappedRoutes.EndpointsAsync(Factory, Client);
        var routes = endpoints
            .Select(e => (Endpoint: e, Route: MappedRoutes.RouteOf(e)))
            .Where(e => e.Route.StartsWith("/api/jobs/{id:int}", StringComparison.Ordinal) || e.Route.StartsWith("/api/runs/{id:long}", StringComparison.Ordinal))
            .SelectMany(e => MappedRoutes.MethodsOf(e.Endpoint).Select(m => (Method: m, e.Route)))
            .ToList();
        Assert.True(routes.Count >= 20, $"Only {routes.Count} job and run routes were found.");

        var wrong = new List<string>();
        foreach (var (method, route) in routes)
        {
            var url = route.Replace("{id:int}", ops.Id!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("{id:long}", opsRun.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("{other:long}", opsRun.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("{n:int}", "1", StringComparison.Ordinal);
            using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(url, UriKind.Relative));
            if (method is "POST" or "PUT")
            {
                request.Content = new StringContent(
                    method == "PUT" ? """{"name": "Ops backup", "job_type": "shell", "command": "true", "folder": "finance"}"""
                    : route.EndsWith("/pause", StringComparison.Ordinal) ? """{"until": "2099-01-01T00:00:00Z"}""" : "{}",
                    System.Text.Encoding.UTF8, "application/json");
            }

            using var response = await finance.SendAsync(request);
            if (response.StatusCode is not (HttpStatusCode.NotFound or HttpStatusCode.Forbidden))
            {
                wrong.Add($"{method} {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
            else if (response.StatusCode == HttpStatusCode.Forbidden && route.Contains("{id:int}", StringComparison.Ordinal) && method == "GET")
            {
                wrong.Add($"{method} {url}: 403 tells the job exists");
            }
        }

        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
        Assert.Equal("Ops backup", (await Client.GetJobAsync(ops.Id!.Value)).Name);

        // In its own folder: runs yes, edits no.
        var own = await finance.SendJsonAsync(HttpMethod.Put, $"/api/jobs/{daily.Id}", """{"name": "Finance daily", "job_type": "shell", "command": "true", "folder": "finance/daily"}""");
        Assert.Equal(HttpStatusCode.Forbidden, own.Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await finance.SendJsonAsync(HttpMethod.Post, "/api/jobs", """{"name": "New", "job_type": "shell", "command": "true", "folder": "finance"}""")).Status);
    }

    [Fact]
    public async Task A_folder_Admin_edits_jobs_of_that_folder_only_and_a_save_keeps_links_to_hidden_jobs()
    {
        var (daily, _, _) = await ArrangeAsync();
        var userId = await Factory.CreateUserAsync(Client, "finadmin", "None");
        Assert.Equal(HttpStatusCode.OK, (await Client.SendJsonAsync(HttpMethod.Put, "/api/users/finadmin/grants", """[{"folder": "finance", "role": "Admin"}]""")).Status);
        var admin = Factory.BearerClient(await Factory.CreateTokenAsync(userId));

        var mine = await admin.GetJobAsync(daily.Id!.Value);
        Assert.Empty(mine.UpstreamNames());
        var (status, body) = await admin.SendJsonAsync(HttpMethod.Put, $"/api/jobs/{daily.Id}",
            System.Text.Json.JsonSerializer.Serialize(mine with { Description = "changed by the folder's Admin" }));
        Assert.True(status == HttpStatusCode.OK, body?.ToJsonString());
        Assert.Equal(["Ops backup"], (await Client.GetJobAsync(daily.Id!.Value)).UpstreamNames());

        // Naming a hidden job is naming no job; moving a job out of the folder or creating one elsewhere is refused.
        var named = await admin.SendJsonAsync(HttpMethod.Post, "/api/jobs", """{"name": "Report", "job_type": "shell", "command": "true", "folder": "finance", "dependencies": ["Ops backup"]}""");
        Assert.Equal(HttpStatusCode.BadRequest, named.Status);
        Assert.Contains("Ops backup", JobsClient.ErrorsOf(named.Body, JobFields.Dependencies).Single(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.SendJsonAsync(HttpMethod.Put, $"/api/jobs/{daily.Id}",
            System.Text.Json.JsonSerializer.Serialize(mine with { Folder = "ops" }))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.SendJsonAsync(HttpMethod.Post, "/api/jobs", """{"name": "Elsewhere", "job_type": "shell", "command": "true"}""")).Status);
        Assert.Equal(HttpStatusCode.Created, (await admin.SendJsonAsync(HttpMethod.Post, "/api/jobs", """{"name": "Report", "job_type": "shell", "command": "true", "folder": "finance/monthly"}""")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.SendJsonAsync(HttpMethod.Get, "/api/users", "")).Status);
    }

    [Fact]
    public async Task Grants_are_checked_and_listed_with_the_user()
    {
        await Factory.CreateUserAsync(Client, "fin", "Viewer");
        var (status, body) = await Client.SendJsonAsync(HttpMethod.Put, "/api/users/fin/grants",
            """[{"folder": "finance", "role": "Boss"}, {"folder": "a//b", "role": "Viewer"}, {"folder": "", "role": "Admin"}, {"folder": "finance", "role": "Admin"}]""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("'Boss' is not a role", JobsClient.ErrorsOf(body, "grants[0].role").Single(), StringComparison.Ordinal);
        Assert.Contains("empty folder name", JobsClient.ErrorsOf(body, "grants[1].folder").Single(), StringComparison.Ordinal);
        Assert.Contains("global role", JobsClient.ErrorsOf(body, "grants[2].folder").Single(), StringComparison.Ordinal);
        Assert.Contains("granted twice", JobsClient.ErrorsOf(body, "grants[3].folder").Single(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.SendJsonAsync(HttpMethod.Put, "/api/users/nobody/grants", "[]")).Status);

        Assert.Equal(HttpStatusCode.OK, (await Client.SendJsonAsync(HttpMethod.Put, "/api/users/fin/grants", """[{"folder": "/finance/", "role": "Admin"}]""")).Status);
        var users = (await Client.GetJsonAsync("/api/users"))!.AsArray();
        var fin = users.Single(u => (string?)u!["name"] == "fin")!;
        Assert.Equal("Viewer", (string?)fin["role"]);
        Assert.Equal("""[{"folder":"finance","role":"Admin"}]""", fin["grants"]!.ToJsonString());
    }

    [Fact]
    public async Task An_import_keeps_the_folder_of_a_job_its_file_gives_none_and_sets_the_one_it_gives()
    {
        var job = await Client.CreateJobAsync(Folder(JobsClient.ShellJob("Ledger"), "finance"));
        var (status, body) = await Client.ImportAsync("""[{"name": "Ledger", "job_type": "shell", "command": "echo moved?"}, {"name": "Audit", "job_type": "shell", "command": "true", "folder": "finance/audit"}]""");
        Assert.True(status == HttpStatusCode.OK, body?.ToJsonString());

        Assert.Equal("finance", (await Client.GetJobAsync(job.Id!.Value)).Folder);
        Assert.Equal(["Audit", "Ledger"], (await Client.GetDocumentAsync<List<JobDocument>>("/api/jobs?folder=finance")).Select(j => j.Name).Order());
        Assert.Equal("finance/audit", (await Client.GetDocumentAsync<List<JobDocument>>("/api/jobs?folder=finance/audit")).Single().Folder);
    }
}
