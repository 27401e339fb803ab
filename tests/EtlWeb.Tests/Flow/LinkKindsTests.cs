using System.Net;
using System.Text.Json.Nodes;
using EtlWeb.Core.Jobs;
using EtlWeb.Tests.Support;

namespace EtlWeb.Tests.Flow;

/// <summary>On-success, on-failure and always links, and conditions, in the pipeline runs of a real host.</summary>
public sealed class LinkKindsTests : HostTest
{
    /// <summary>
    /// Upstream U (its command given) with three downstream jobs, one per link kind; returns each job's status in the
    /// pipeline run U's trigger started.
    /// </summary>
    private async Task<Dictionary<string, string>> RunPipelineAsync(string prefix, string command, int retries)
    {
        var upstream = await Client.CreateJobAsync(JobsClient.ShellJob($"{prefix}-u").With("command", command).With("max_retries", retries));
        var downstream = new Dictionary<string, JobDocument>();
        foreach (var when in new[] { "success", "failure", "always" })
        {
            downstream[when] = await Client.CreateJobAsync(JobsClient.ShellJob($"{prefix}-{when}")
                .With("dependencies", new JsonArray(new JsonObject { ["job"] = $"{prefix}-u", ["when"] = when })));
        }

        var root = await Client.WaitForEndAsync(await Client.TriggerAsync(upstream));
        var statuses = new Dictionary<string, string> { ["upstream"] = $"{root.Status} after {root.Attempts.Count}" };
        foreach (var (when, job) in downstream)
        {
            var runs = await Client.WaitForRunsAsync(job, 1);
            var run = await Client.WaitForEndAsync(Assert.Single(runs).Id);
            statuses[when] = run.Status == "Skipped" ? $"Skipped: {run.Reason}" : run.Status;
        }

        return statuses;
    }

    [Fact]
    public async Task Each_link_kind_runs_after_the_end_it_names_once_the_retries_are_over()
    {
        var marker = Path.Combine(Path.GetTempPath(), $"etlweb-links-{Guid.NewGuid():N}");
        try
        {
            Assert.Equal(
                new Dictionary<string, string>
                {
                    ["upstream"] = "Succeeded after 1",
                    ["success"] = "Succeeded",
                    ["failure"] = "Skipped: Skipped: it runs on failure of ok-u, which ended Succeeded.",
                    ["always"] = "Succeeded",
                },
                await RunPipelineAsync("ok", "true", retries: 0));
            Assert.Equal(
                new Dictionary<string, string>
                {
                    ["upstream"] = "Failed after 2",
                    ["success"] = "UpstreamFailed",
                    ["failure"] = "Succeeded",
                    ["always"] = "Succeeded",
                },
                await RunPipelineAsync("bad", "exit 3", retries: 1));

            // The first attempt fails and the retry succeeds: the on-failure job never ran for the failed attempt.
            Assert.Equal(
                new Dictionary<string, string>
                {
                    ["upstream"] = "Succeeded after 2",
                    ["success"] = "Succeeded",
                    ["failure"] = "Skipped: Skipped: it runs on failure of retry-u, which ended Succeeded.",
                    ["always"] = "Succeeded",
                },
                await RunPipelineAsync("retry", $"[ -e {marker} ] || {{ touch {marker}; exit 1; }}", retries: 1));
        }
        finally
        {
            File.Delete(marker);
        }
    }

    [Fact]
    public async Task A_condition_over_the_upstreams_outputs_skips_the_run_when_false_and_lets_it_run_when_true()
    {
        var count = Path.Combine(Path.GetTempPath(), $"etlweb-rows-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(count, "0");
        try
        {
            var extract = await Client.CreateJobAsync(JobsClient.ShellJob("extract").With("command", $"echo rows=$(cat {count}) > \"$ETL_OUTPUT\""));
            var load = await Client.CreateJobAsync(JobsClient.ShellJob("load")
                .With("dependencies", new JsonArray(new JsonObject { ["job"] = "extract", ["condition"] = "rows > 0" })));
            var after = await Client.CreateJobAsync(JobsClient.ShellJob("report", "load"));

            await Client.WaitForEndAsync(await Client.TriggerAsync(extract));
            var skipped = await Client.WaitForEndAsync((await Client.WaitForRunsAsync(load, 1))[0].Id);
            var skippedBelow = await Client.WaitForEndAsync((await Client.WaitForRunsAsync(after, 1))[0].Id);

            Assert.Equal(("Skipped", "Skipped: condition 'rows > 0' on extract is false."), (skipped.Status, skipped.Reason));
            Assert.Equal(("Skipped", "Skipped: upstream load was skipped in this pipeline run."), (skippedBelow.Status, skippedBelow.Reason));

            await File.WriteAllTextAsync(count, "12");
            await Client.WaitForEndAsync(await Client.TriggerAsync(extract));
            var ran = await Client.WaitForEndAsync((await Client.WaitForRunsAsync(load, 2)).MaxBy(r => r.Id)!.Id);
            Assert.Equal("Succeeded", ran.Status);

            var document = await Client.GetJsonAsync($"/api/jobs/{load.Id}");
            Assert.Equal("""[{"job":"extract","when":"success","condition":"rows \u003E 0"}]""", document!["dependencies"]!.ToJsonString());
        }
        finally
        {
            File.Delete(count);
        }
    }

    [Fact]
    public async Task A_condition_that_does_not_parse_is_refused_at_save_naming_the_link()
    {
        await Client.CreateJobAsync(JobsClient.ShellJob("extract"));

        var (status, body) = await Client.SendJsonAsync(HttpMethod.Post, "/api/jobs", JobsClient.ShellJob("load")
            .With("dependencies", new JsonArray(new JsonObject { ["job"] = "extract", ["when"] = "always", ["condition"] = "rows > 0 and" })).ToJsonString());

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("'rows > 0 and' is not a valid condition", Assert.Single(JobsClient.ErrorsOf(body, "dependencies[0].condition")), StringComparison.Ordinal);
        Assert.Equal(["extract"], (await Client.GetDocumentAsync<List<JobDocument>>("/api/jobs")).Select(j => j.Name));
    }
}
