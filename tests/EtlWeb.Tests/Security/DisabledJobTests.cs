using System.Net;
using EtlWeb.Core.Jobs;
using EtlWeb.Tests.Support;

namespace EtlWeb.Tests.Security;

/// <summary>No path starts a disabled job: run now, re-run, webhook, schedule, upstream, a pending run, a retry.</summary>
public sealed class DisabledJobTests() : HostTest(new EtlWebFactory { Settings = { ["EtlWeb:KillGraceSeconds"] = "1" } })
{
    private async Task DisableAsync(JobDocument job)
    {
        using var response = await Client.PostAsync(new Uri($"/api/jobs/{job.Id}/disable", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task Re_running_a_pipeline_whose_failed_job_was_disabled_is_refused_and_creates_nothing()
    {
        var extract = await Client.CreateJobAsync(JobsClient.ShellJob("extract").With("command", "exit 3"));
        var load = await Client.CreateJobAsync(JobsClient.ShellJob("load", "extract"));
        var failed = await Client.WaitForEndAsync(await Client.TriggerAsync(extract));
        Assert.Equal("Failed", failed.Status);
        Assert.Equal("UpstreamFailed", (await Client.WaitForRunsAsync(load, 1, r => r.FinishedAt is not null))[0].Status);
        await DisableAsync(extract);

        using var response = await Client.PostAsync(new Uri($"/api/runs/{failed.Id}/rerun", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("'extract' is disabled", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Single(await Client.RunsOfAsync(extract));
        Assert.Single(await Client.RunsOfAsync(load));
    }

    [Fact]
    public async Task The_retry_of_a_run_whose_job_was_disabled_meanwhile_never_starts_and_the_run_ends_Cancelled()
    {
        var job = await Client.CreateJobAsync(JobsClient.ShellJob("flaky").With("command", "exit 1")
            .With("max_retries", 2).With("retry_delay_seconds", 2));
        var runId = await Client.TriggerAsync(job);
        await Client.WaitForRunAsync(runId, r => r.Attempts.Count == 2);

        await DisableAsync(job);
        var ended = await Client.WaitForEndAsync(runId);

        Assert.Equal("Cancelled", ended.Status);
        Assert.Contains("'flaky' was disabled before attempt 2 started", ended.Reason, StringComparison.Ordinal);
        var retry = ended.Attempts[1];
        Assert.Equal("Cancelled", retry.Status);
        Assert.Null(retry.StartedAt);
        Assert.Equal(2, ended.Attempts.Count);
    }

    [Fact]
    public async Task A_pending_run_of_a_job_disabled_while_it_waited_is_Skipped_instead_of_started()
    {
        var marker = Path.Combine(Factory.DataDirectory, "second-run-started");
        var job = await Client.CreateJobAsync(JobsClient.ShellJob("queued")
            .With("command", $"if [ -e '{marker}.first' ]; then touch '{marker}'; else touch '{marker}.first'; sleep 30; fi")
            .With("overlap_policy", "queue"));
        var first = await Client.TriggerAsync(job);
        await Client.WaitForStatusAsync(first, "Running");
        var second = await Client.TriggerAsync(job);
        await Client.WaitForRunAsync(second, r => r.Status == "Waiting" && r.Reason is not null);

        await DisableAsync(job);
        using (var cancel = await Client.PostAsync(new Uri($"/api/runs/{first}/cancel", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        }

        var ended = await Client.WaitForEndAsync(second);
        Assert.Equal("Skipped", ended.Status);
        Assert.Equal("Skipped: job 'queued' is disabled.", ended.Reason);
        Assert.Empty(ended.Attempts);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task A_disabled_downstream_job_is_not_started_by_its_upstream()
    {
        var extract = await Client.CreateJobAsync(JobsClient.ShellJob("extract"));
        var load = await Client.CreateJobAsync(JobsClient.ShellJob("load", "extract"));
        await DisableAsync(load);

        Assert.Equal("Succeeded", (await Client.WaitForEndAsync(await Client.TriggerAsync(extract))).Status);

        Assert.Empty(await Client.RunsOfAsync(load));
    }
}
