using EtlWeb.Tests.Support;

namespace EtlWeb.Tests.History;

public sealed class WaitReasonTests() : HostTest(new EtlWebFactory { Settings = { ["EtlWeb:MaxConcurrentJobs"] = "1" } })
{
    [Fact]
    public async Task Runs_not_yet_running_say_live_why_in_the_run_and_the_job_documents()
    {
        var extract = await Client.CreateJobAsync(JobsClient.ShellJob("Extract").With("command", "sleep 60"));
        var load = await Client.CreateJobAsync(JobsClient.ShellJob("Load", "Extract"));
        var other = await Client.CreateJobAsync(JobsClient.ShellJob("Other"));
        var flaky = await Client.CreateJobAsync(JobsClient.ShellJob("Flaky").With("command", "exit 1").With("max_retries", 3).With("retry_delay_seconds", 3600));

        var root = await Client.TriggerAsync(extract);
        await Client.WaitForStatusAsync(root, "Running");
        var waiting = (await Client.WaitForRunsAsync(load, 1))[0];
        var sentence = (await Client.GetRunAsync(waiting.Id)).WaitingFor;
        Assert.Matches(@"^waiting for Extract \(running since \d\d:\d\d:\d\d\)$", sentence);
        Assert.Equal(sentence, (await Client.GetJobAsync(load.Id!.Value)).WaitingFor);
        Assert.Contains((await Client.RunsOfAsync(load)), r => r.WaitingFor == sentence);

        var queued = await Client.TriggerAsync(other);
        var busy = await Client.WaitForRunAsync(queued, r => r.WaitingFor is not null);
        Assert.Equal("queued: 1 of 1 workers busy", busy.WaitingFor);

        var cancel = await Client.PostAsync($"/api/runs/{root}/cancel", null);
        cancel.EnsureSuccessStatusCode();
        await Client.WaitForEndAsync(queued);
        var retried = await Client.TriggerAsync(flaky);
        var retrying = await Client.WaitForRunAsync(retried, r => r.Attempts.Count == 2);
        Assert.Matches(@"^waiting until (\d\d:\d\d:\d\d|\d{4}-\d\d-\d\d \d\d:\d\d) \(retry 1 of 3\)$", retrying.WaitingFor);
        Assert.Null((await Client.GetRunAsync(queued)).WaitingFor);
        (await Client.PostAsync($"/api/runs/{retried}/cancel", null)).EnsureSuccessStatusCode();
    }
}
