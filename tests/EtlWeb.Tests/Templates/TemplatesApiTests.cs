using System.Net;
using System.Text.Json.Nodes;
using EtlWeb.Tests.Support;
using static EtlWeb.Tests.Templates.TemplateClient;

namespace EtlWeb.Tests.Templates;

/// <summary>Saving templates (from a body, from existing jobs), creating jobs from them all or nothing, and the errors by field.</summary>
public sealed class TemplatesApiTests : HostTest
{
    private Task<(HttpStatusCode Status, JsonNode? Body)> PostAsync(string path, JsonNode body) => Client.SendJsonAsync(HttpMethod.Post, path, body.ToJsonString());

    private async Task<int> JobCountAsync() => (await Client.GetJsonAsync("/api/jobs"))!.AsArray().Count;

    /// <summary>A template of two linked jobs whose names and command use the placeholder <c>table</c>, which has no default.</summary>
    private static JsonObject TwoJobs(string name) => new()
    {
        ["name"] = name,
        ["description"] = "Extract and load one table",
        ["placeholders"] = new JsonArray(new JsonObject { ["name"] = "table", ["description"] = "the table" }),
        ["jobs"] = new JsonArray(
            new JsonObject { ["name"] = "{{ table }} extract", ["job_type"] = "shell", ["command"] = "echo extract {{ table }}" },
            new JsonObject { ["name"] = "{{ table }} load", ["job_type"] = "shell", ["command"] = "echo load", ["dependencies"] = new JsonArray("{{ table }} extract") }),
    };

    [Fact]
    public async Task Three_linked_jobs_saved_as_a_template_make_a_new_pipeline_in_another_folder_that_runs_with_the_other_value()
    {
        var done = Path.Combine(Factory.DataDirectory, "done");
        Directory.CreateDirectory(done);
        var outside = await Client.CreateShellJobAsync("audit", "echo audit");
        var extract = await Client.CreateShellJobAsync("sales extract", "echo rows=3 >> \"$ETL_OUTPUT\"", j =>
        {
            j["environment"] = new JsonObject { ["TOKEN"] = "s3cret", ["TABLE"] = "sales" };
            j["secret_environment"] = new JsonArray("TOKEN");
            j["dependencies"] = new JsonArray("audit");
        });
        var transform = await Client.CreateShellJobAsync("sales transform", "echo transform $TABLE", j => j["dependencies"] = new JsonArray("sales extract"));
        var load = await Client.CreateShellJobAsync("sales load", $"echo \"$ETL_UP_SALES_EXTRACT_ROWS\" > '{done}/sales.done'", j =>
            j["dependencies"] = new JsonArray("sales transform", "sales extract"));

        var (status, saved) = await PostAsync("/api/templates", new JsonObject
        {
            ["name"] = "Table pipeline",
            ["description"] = "extract, transform, load of one table",
            ["job_ids"] = new JsonArray(extract.Id, transform.Id, load.Id),
            ["placeholders"] = new JsonArray(
                new JsonObject { ["name"] = "table", ["replaces"] = "sales", ["description"] = "the table" },
                new JsonObject { ["name"] = "upper_table", ["replaces"] = "SALES", ["description"] = "the table in capitals, as variables name it" }),
        });

        Assert.True(status == HttpStatusCode.Created, saved?.ToJsonString());
        var notes = saved!["notes"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        Assert.Contains("The link from 'audit' to 'sales extract' was left out: 'audit' is not one of the template's jobs.", notes);
        Assert.Contains(notes, n => n.StartsWith("The secret variable TOKEN of 'sales extract' is kept without its value", StringComparison.Ordinal));
        var stored = await Client.GetJsonAsync("/api/templates/Table%20pipeline");
        Assert.DoesNotContain("s3cret", stored!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("{{ table }} load", stored["jobs"]![2]!["name"]!.GetValue<string>());
        Assert.False(stored["shipped"]!.GetValue<bool>());

        var (jobs, created) = await Client.InstantiateAsync("Table pipeline", "shop/orders", Values(("table", "orders"), ("upper_table", "ORDERS")));
        Assert.Equal(["orders extract", "orders transform", "orders load"], jobs.Select(j => j.Name));
        Assert.Equal("shop/orders", created["folder"]!.GetValue<string>());
        Assert.Contains(created["notes"]!.AsArray(), n => n!.GetValue<string>().StartsWith("The secret variable TOKEN of 'orders extract' is empty", StringComparison.Ordinal));
        var orderLoad = await Client.GetJobAsync(jobs[2].Id);
        Assert.Equal(["orders extract", "orders transform"], orderLoad.UpstreamNames().Order(StringComparer.Ordinal));
        Assert.Equal("shop/orders", orderLoad.Folder);
        Assert.Empty((await Client.GetJobAsync(jobs[0].Id)).UpstreamNames());
        Assert.Single((await Client.GetJsonAsync($"/api/jobs/{jobs[0].Id}/revisions"))!.AsArray());

        await Client.RunToEndAsync(jobs[0].Id);
        var end = await Client.EndOfRunOfAsync(jobs[2].Id);

        Assert.Equal("Succeeded", end.Status);
        Assert.Equal("3\n", await File.ReadAllTextAsync(Path.Combine(done, "orders.done")));
        Assert.False(File.Exists(Path.Combine(done, "sales.done")));
        Assert.Empty((await Client.GetJsonAsync($"/api/runs?job_id={outside.Id}"))!.AsArray());
    }

    [Fact]
    public async Task A_missing_value_a_bad_folder_or_a_name_already_taken_is_refused_by_field_and_creates_no_job()
    {
        Assert.Equal(HttpStatusCode.Created, (await PostAsync("/api/templates", TwoJobs("Two jobs"))).Status);
        await Client.CreateShellJobAsync("orders load", "echo taken");
        var before = await JobCountAsync();

        var (missing, missingBody) = await PostAsync("/api/templates/Two%20jobs/instantiate", new JsonObject { ["folder"] = "x", ["values"] = new JsonObject() });
        var (badFolder, folderBody) = await PostAsync("/api/templates/Two%20jobs/instantiate", new JsonObject { ["folder"] = "a/b:c", ["values"] = Values(("table", "t")) });
        var (clash, clashBody) = await PostAsync("/api/templates/Two%20jobs/instantiate", new JsonObject { ["values"] = Values(("table", "orders")) });
        var (unknown, _) = await PostAsync("/api/templates/No%20such/instantiate", new JsonObject());

        Assert.Equal(HttpStatusCode.BadRequest, missing);
        Assert.Equal(["A value for 'table' is required (the table)."], JobsClient.ErrorsOf(missingBody, "values.table"));
        Assert.Equal(HttpStatusCode.BadRequest, badFolder);
        Assert.NotEmpty(JobsClient.ErrorsOf(folderBody, "folder"));
        Assert.Equal(HttpStatusCode.BadRequest, clash);
        Assert.Equal(["A job named 'orders load' already exists."], JobsClient.ErrorsOf(clashBody, "jobs[1].name"));
        Assert.Equal(HttpStatusCode.NotFound, unknown);
        Assert.Equal(before, await JobCountAsync());
    }

    [Fact]
    public async Task Saving_refuses_undeclared_and_unused_placeholders_and_a_shipped_name_and_only_saved_templates_can_be_deleted()
    {
        var undeclared = TwoJobs("Undeclared");
        undeclared["jobs"]![1]!["command"] = "echo {{ tabel }}";
        var unused = TwoJobs("Unused");
        unused["placeholders"]!.AsArray().Add(new JsonObject { ["name"] = "region" });
        var shippedName = TwoJobs("csv load into sqlite");

        var (status1, body1) = await PostAsync("/api/templates", undeclared);
        var (status2, body2) = await PostAsync("/api/templates", unused);
        var (status3, body3) = await PostAsync("/api/templates", shippedName);

        Assert.Equal(HttpStatusCode.BadRequest, status1);
        Assert.StartsWith("'tabel' is not a placeholder of the template", JobsClient.ErrorsOf(body1, "jobs[1].command")[0], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, status2);
        Assert.Equal(["Placeholder 'region' is not used by any job; use it as {{ region }} or remove it."], JobsClient.ErrorsOf(body2, "placeholders[1].name"));
        Assert.Equal(HttpStatusCode.BadRequest, status3);
        Assert.Equal(["'CSV load into SQLite' is a template shipped with EtlWeb; choose another name."], JobsClient.ErrorsOf(body3, "name"));

        Assert.Equal(HttpStatusCode.Created, (await PostAsync("/api/templates", TwoJobs("Mine"))).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync("/api/templates", TwoJobs("Mine"))).Status);
        var list = (await Client.GetJsonAsync("/api/templates"))!.AsArray();
        Assert.Equal(5, list.Count(t => t!["shipped"]!.GetValue<bool>()));
        Assert.Equal(["Mine"], list.Where(t => !t!["shipped"]!.GetValue<bool>()).Select(t => t!["name"]!.GetValue<string>()));

        using var shipped = await Client.DeleteAsync(new Uri("/api/templates/CSV%20load%20into%20SQLite", UriKind.Relative));
        using var mine = await Client.DeleteAsync(new Uri("/api/templates/Mine", UriKind.Relative));
        using var again = await Client.DeleteAsync(new Uri("/api/templates/Mine", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Conflict, shipped.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, mine.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }
}
