using System.Net;
using System.Text.Json.Nodes;
using EtlWeb.Tests.Support;

namespace EtlWeb.Tests.History;

public sealed class RunComparisonTests : HostTest
{
    [Fact]
    public async Task Two_runs_compare_by_their_changed_definition_environment_exit_code_and_first_diverging_log_line()
    {
        var job = await Client.CreateJobAsync(JobsClient.ShellJob("report").With("command", "printf 'start\\nrows=10\\nsum=55\\nend\\n'"));
        var good = await Client.RunJobAsync(job);
        await Client.WaitForEndAsync(good);
        var (status, body) = await Client.SendJsonAsync(HttpMethod.Put, $"/api/jobs/{job.Id}", JobsClient.ShellJob("report")
            .With("command", "printf 'start\\nrows=12\\nsum=55\\nend\\n'; exit 3")
            .With("environment", new JsonObject { ["REGION"] = "eu" }).ToJsonString());
        Assert.True(status == HttpStatusCode.OK, body?.ToJsonString());
        var bad = await Client.RunJobAsync(job);
        await Client.WaitForEndAsync(bad);
        var other = await Client.CreateJobAsync(JobsClient.ShellJob("other"));
        var unrelated = await Client.RunJobAsync(other);

        var comparison = (await Client.GetJsonAsync($"/api/runs/{bad}/compare/{good}"))!;
        Assert.Equal(("Succeeded", "Failed"), ((string)comparison["status"]!["old"]!, (string)comparison["status"]!["new"]!));
        Assert.Equal((1, 2), ((int)comparison["revision"]!["old"]!, (int)comparison["revision"]!["new"]!));
        Assert.Equal(["command", "environment.REGION"], comparison["definition"]!.AsArray().Select(c => (string)c!["field"]!));
        Assert.Equal(["REGION"], comparison["environment_added"]!.AsArray().Select(n => (string)n!));
        Assert.Empty(comparison["environment_removed"]!.AsArray());
        Assert.Equal((0, 3), ((int)comparison["exit_code"]!["old"]!, (int)comparison["exit_code"]!["new"]!));
        var log = comparison["log"]!;
        Assert.Equal(2, (int)log["line"]!);
        Assert.Equal(("rows=12", "rows=10"), ((string)log["new"]!, (string)log["old"]!));
        Assert.Equal(["start"], log["before"]!.AsArray().Select(n => (string)n!));
        Assert.Equal(["sum=55", "end"], log["new_after"]!.AsArray().Select(n => (string)n!));

        Assert.Equal(HttpStatusCode.BadRequest, (await Client.GetAsync($"/api/runs/{bad}/compare/{unrelated}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync($"/api/runs/{bad}/compare/99999")).StatusCode);
        await Client.WaitForEndAsync(unrelated);
    }
}
