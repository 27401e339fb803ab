using System.Net;
using System.Text.Json.Nodes;
using EtlWeb.Data;
using EtlWeb.Features.Designer;
using EtlWeb.Features.Jobs;
using EtlWeb.Features.Runs;
using EtlWeb.Security;
using EtlWeb.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EtlWeb.Tests.History;

public sealed class RevisionTests : HostTest
{
    private const string Bootstrap = "bootstrap token";

    [Fact]
    public async Task Each_source_of_a_change_stores_a_revision_with_its_author_and_the_exact_fields_it_changed()
    {
        var stage = await Client.CreateJobAsync(JobsClient.ShellJob("stage"));
        var job = await Client.CreateJobAsync(JobsClient.ShellJob("load").With("command", "echo one"));

        await Put(job.Id!.Value, JobsClient.ShellJob("load").With("command", "echo two").With("timeout_seconds", 60));
        await Put(job.Id!.Value, JobsClient.ShellJob("load").With("command", "echo two").With("timeout_seconds", 60));
        Assert.Equal(HttpStatusCode.NoContent, (await Client.PostAsync($"/api/jobs/{job.Id}/disable", null)).StatusCode);
        var (imported, _) = await Client.ImportAsync(new JsonArray(JobsClient.ShellJob("load").With("command", "echo three").With("timeout_seconds", 60).With("enabled", false)).ToJsonString());
        Assert.Equal(HttpStatusCode.OK, imported);
        var actors = Factory.Services.GetRequiredService<CurrentActor>();
        using (actors.Enter(new Actor("designer user", EtlRoles.Admin, null)))
        {
            Assert.True((await Factory.Services.GetRequiredService<DependencyEditor>().AddAsync(stage.Id!.Value, job.Id!.Value)).Done);
        }

        var revisions = await RevisionsAsync(job.Id!.Value);
        Assert.Equal([5, 4, 3, 2, 1], revisions.Select(r => (int)r["number"]!));
        Assert.Equal(["designer user", Bootstrap, Bootstrap, Bootstrap, Bootstrap], revisions.Select(r => (string)r["author"]!));
        Assert.Equal([("dependencies", "", "stage")], Changes(revisions[0]));
        Assert.Equal([("command", "echo two", "echo three")], Changes(revisions[1]));
        Assert.Equal([("enabled", "true", "false")], Changes(revisions[2]));
        Assert.Equal([("command", "echo one", "echo two"), ("timeout_seconds", "0", "60")], Changes(revisions[3]));
        Assert.Contains(("command", "", "echo one"), Changes(revisions[4]));

        var single = await Client.GetJsonAsync($"/api/jobs/{job.Id}/revisions/3");
        Assert.Equal("echo two", (string)single!["definition"]!["command"]!);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync($"/api/jobs/{job.Id}/revisions/99")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync("/api/jobs/999/revisions")).StatusCode);
    }

    [Fact]
    public async Task A_secret_change_is_recorded_without_its_value_and_two_revisions_compare_with_it()
    {
        var job = await Client.CreateJobAsync(JobsClient.ShellJob("load")
            .With("environment", new JsonObject { ["TOKEN"] = "first-secret-value", ["REGION"] = "eu" })
            .With("secret_environment", new JsonArray("TOKEN")));
        await Put(job.Id!.Value, JobsClient.ShellJob("load")
            .With("environment", new JsonObject { ["TOKEN"] = "second-secret-value", ["REGION"] = "eu" })
            .With("secret_environment", new JsonArray("TOKEN")));
        await Put(job.Id!.Value, JobsClient.ShellJob("load")
            .With("environment", new JsonObject { ["REGION"] = "us" })
            .With("secret_environment", new JsonArray("TOKEN")));

        var revisions = await RevisionsAsync(job.Id!.Value);
        Assert.Equal([("environment.REGION", "eu", "us")], Changes(revisions[0]));
        Assert.Equal([("environment.TOKEN", "(secret)", "(secret)")], Changes(revisions[1]));
        var stored = await Client.GetStringAsync($"/api/jobs/{job.Id}/revisions");
        Assert.DoesNotContain("secret-value", stored, StringComparison.Ordinal);
        await using (var db = await Factory.Services.GetRequiredService<IDbContextFactory<EtlDbContext>>().CreateDbContextAsync())
        {
            Assert.All(await db.JobRevisions.ToListAsync(), r => Assert.DoesNotContain("secret-value", r.Definition + r.Changes, StringComparison.Ordinal));
        }

        var compared = await Factory.Services.GetRequiredService<JobHistory>().CompareAsync(job.Id!.Value, 1, 3);
        Assert.Equal([("environment.REGION", "eu", "us"), ("environment.TOKEN", "(secret)", "(secret)")], compared!.Select(c => (c.Field, c.Old, c.New)).Order());
    }

    [Fact]
    public async Task Restore_makes_a_new_revision_equal_to_the_old_one_and_is_audited_and_a_run_keeps_the_revision_it_ran()
    {
        var job = await Client.CreateJobAsync(JobsClient.ShellJob("load").With("command", "echo one"));
        var first = await Client.RunJobAsync(job);
        await Client.WaitForEndAsync(first);
        await Put(job.Id!.Value, JobsClient.ShellJob("load").With("command", "echo two").With("max_retries", 2));
        var second = await Client.RunJobAsync(job);
        await Client.WaitForEndAsync(second);

        var (status, restored) = await Client.SendJsonAsync(HttpMethod.Post, $"/api/jobs/{job.Id}/revisions/1/restore", "");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("echo one", (string)restored!["command"]!);
        var revisions = await RevisionsAsync(job.Id!.Value);
        Assert.Equal(3, (int)revisions[0]["number"]!);
        Assert.Equal([("command", "echo two", "echo one"), ("max_retries", "2", "0")], Changes(revisions[0]));
        await using (var db = await Factory.Services.GetRequiredService<IDbContextFactory<EtlDbContext>>().CreateDbContextAsync())
        {
            Assert.Contains(await db.AuditEntries.ToListAsync(), e => e.Action == AuditActions.JobRestored && e.Details == $"job {job.Id}: restored revision 1");
        }

        var third = await Client.RunJobAsync(job);
        Assert.Equal(1, (await Client.GetDocumentAsync<RunDocument>($"/api/runs/{first}")).Revision);
        Assert.Equal(2, (await Client.GetDocumentAsync<RunDocument>($"/api/runs/{second}")).Revision);
        Assert.Equal(3, (await Client.GetDocumentAsync<RunDocument>($"/api/runs/{third}")).Revision);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.SendJsonAsync(HttpMethod.Post, $"/api/jobs/{job.Id}/revisions/9/restore", "")).Status);
    }

    [Fact]
    public async Task Renaming_or_deleting_an_upstream_job_gives_each_job_linked_to_it_a_revision()
    {
        var stage = await Client.CreateJobAsync(JobsClient.ShellJob("stage"));
        var load = await Client.CreateJobAsync(JobsClient.ShellJob("load", "stage"));

        await Put(stage.Id!.Value, JobsClient.ShellJob("staging"));
        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync($"/api/jobs/{stage.Id}")).StatusCode);

        var revisions = await RevisionsAsync(load.Id!.Value);
        Assert.Equal([3, 2, 1], revisions.Select(r => (int)r["number"]!));
        Assert.Equal([("dependencies", "staging", "")], Changes(revisions[0]));
        Assert.Equal([("dependencies", "stage", "staging")], Changes(revisions[1]));
        Assert.Equal(3, (await Client.GetJobAsync(load.Id!.Value)).Revision);
    }

    private async Task Put(int id, JsonObject document)
    {
        var (status, body) = await Client.SendJsonAsync(HttpMethod.Put, $"/api/jobs/{id}", document.ToJsonString());
        Assert.True(status == HttpStatusCode.OK, body?.ToJsonString());
    }

    private async Task<List<JsonNode>> RevisionsAsync(int id) => [.. (await Client.GetJsonAsync($"/api/jobs/{id}/revisions"))!.AsArray().Select(n => n!)];

    private static List<(string Field, string? Old, string? New)> Changes(JsonNode revision) =>
        [.. revision["changes"]!.AsArray().Select(c => ((string)c!["field"]!, (string?)c["old"], (string?)c["new"]))];
}
