using System.Text.Json.Nodes;
using EtlWeb.Core.Jobs;
using EtlWeb.Features.Runs;
using EtlWeb.Realtime;
using EtlWeb.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace EtlWeb.Tests.Scheduling;

/// <summary>
/// The example of DESIGN.md section 4: A -> B -> C and D -> C, B and C manual. Triggering A starts the
/// pipeline run A, B, C; C also needs D, which is outside that pipeline run.
/// </summary>
public sealed class PipelineTests() : HostTest(new EtlWebFactory { Settings = { ["EtlWeb:KillGraceSeconds"] = "1" } })
{
    private async Task<(JobDocument A, JobDocument B, JobDocument C, JobDocument D)> ExampleAsync(string bCommand = "echo B")
    {
        var a = await Client.CreateJobAsync(JobsClient.ShellJob("A"));
        var b = await Client.CreateJobAsync(JobsClient.ShellJob("B", "A").With("command", bCommand));
        var d = await Client.CreateJobAsync(JobsClient.ShellJob("D"));
        var c = await Client.CreateJobAsync(JobsClient.ShellJob("C", "B", "D"));
        return (a, b, c, d);
    }

    private async Task<RunDocument> OnlyRunAsync(JobDocument job) => Assert.Single(await Client.RunsOfAsync(job));

    [Fact]
    public async Task When_D_last_succeeded_triggering_A_runs_A_then_B_then_C_in_one_pipeline_run()
    {
        var (a, b, c, d) = await ExampleAsync();
        await Client.WaitForEndAsync(await Client.TriggerAsync(d, downstream: false));

        var aRun = await Client.WaitForEndAsync(await Client.TriggerAsync(a));
        var cRun = (await Client.WaitForRunsAsync(c, 1, r => r.FinishedAt is not null))[0];
        var bRun = await OnlyRunAsync(b);

        Assert.Equal("Succeeded", cRun.Status);
        Assert.Equal(aRun.PipelineId!.Value, bRun.PipelineId);
        Assert.Equal(aRun.PipelineId!.Value, cRun.PipelineId);
        Assert.Equal("Upstream", cRun.Trigger);
        Assert.True(bRun.StartedAt >= aRun.FinishedAt);
        Assert.True(cRun.StartedAt >= bRun.FinishedAt);
        Assert.Single(await Client.RunsOfAsync(d));

        // A manual run is for the time it was triggered; its pipeline's runs are for the same instant.
        var logicalDate = aRun.LogicalDate;
        Assert.Equal(aRun.QueuedAt, logicalDate);
        Assert.Equal([logicalDate, logicalDate], new[] { bRun, cRun }.Select(r => r.LogicalDate));
    }

    [Fact]
    public async Task The_pages_hear_of_each_run_as_it_is_made_and_of_each_new_wait_reason()
    {
        var (a, b, c, _) = await ExampleAsync();
        var heard = new System.Collections.Concurrent.ConcurrentQueue<RunChanged>();
        using var subscription = Factory.Services.GetRequiredService<RunBroadcaster>().SubscribeRuns(heard.Enqueue);

        await Client.WaitForEndAsync(await Client.TriggerAsync(a));
        var bRun = (await Client.WaitForRunsAsync(b, 1, r => r.Status == "Succeeded"))[0];
        var cRun = (await Client.WaitForRunsAsync(c, 1, r => r.Reason == "waiting for: D (never ran)"))[0];

        // B waited for A and C for B from the moment the pipeline run was made; then C waited for D alone.
        var deadline = Environment.TickCount64 + 30_000;
        while (!(heard.Any(h => h.RunId == bRun.Id && h.Status == Core.Runs.RunStatus.Waiting)
            && heard.Count(h => h.RunId == cRun.Id && h.Status == Core.Runs.RunStatus.Waiting) >= 2))
        {
            Assert.True(Environment.TickCount64 < deadline, $"Heard: {string.Join(", ", heard.Select(h => $"{h.RunId} {h.Status}"))}");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task When_D_never_ran_C_waits_for_it_then_starts_once_D_succeeds()
    {
        var (a, b, c, d) = await ExampleAsync();

        await Client.WaitForEndAsync(await Client.TriggerAsync(a));
        await Client.WaitForRunsAsync(b, 1, r => r.Status == "Succeeded");
        var waiting = (await Client.WaitForRunsAsync(c, 1, r => r.Reason == "waiting for: D (never ran)"))[0];
        Assert.Equal("Waiting", waiting.Status);

        await Client.WaitForEndAsync(await Client.TriggerAsync(d, downstream: false));
        var ended = await Client.WaitForEndAsync(waiting.Id);

        Assert.Equal("Succeeded", ended.Status);
    }

    [Fact]
    public async Task When_B_fails_C_becomes_UpstreamFailed_and_does_not_run()
    {
        var (a, _, c, d) = await ExampleAsync(bCommand: "exit 4");
        await Client.WaitForEndAsync(await Client.TriggerAsync(d, downstream: false));

        await Client.WaitForEndAsync(await Client.TriggerAsync(a));
        var cRun = (await Client.WaitForRunsAsync(c, 1, r => r.FinishedAt is not null))[0];

        Assert.Equal("UpstreamFailed", cRun.Status);
        Assert.Contains("Upstream B ended Failed", cRun.Reason, StringComparison.Ordinal);
        Assert.Empty(cRun.Attempts);
    }

    [Fact]
    public async Task Re_running_a_failed_pipeline_runs_only_the_failed_part()
    {
        var marker = Path.Combine(Factory.DataDirectory, "b-failed-once");
        var (a, b, c, d) = await ExampleAsync(bCommand: $"test -f {marker} || {{ touch {marker}; exit 1; }}");
        await Client.WaitForEndAsync(await Client.TriggerAsync(d, downstream: false));
        await Client.WaitForEndAsync(await Client.TriggerAsync(a));
        var failed = (await Client.WaitForRunsAsync(c, 1, r => r.FinishedAt is not null))[0];
        var bRun = await OnlyRunAsync(b);

        using var rerun = await Client.PostAsync(new Uri($"/api/runs/{bRun.Id}/rerun", UriKind.Relative), null);
        var created = JsonNode.Parse(await rerun.Content.ReadAsStringAsync())!["run_ids"]!.AsArray().Select(n => n!.GetValue<long>()).ToList();
        foreach (var id in created)
        {
            Assert.Equal("Succeeded", (await Client.WaitForEndAsync(id)).Status);
        }

        Assert.Equal("UpstreamFailed", failed.Status);
        Assert.Equal(2, created.Count);
        Assert.Single(await Client.RunsOfAsync(a));
        Assert.Equal(2, (await Client.RunsOfAsync(b)).Count);
        Assert.Equal(2, (await Client.RunsOfAsync(c)).Count);

        // The re-runs are for the instant of the runs they re-do.
        Assert.All(await Task.WhenAll(created.Select(Client.GetRunAsync)),
            r => Assert.Equal(bRun.LogicalDate, r.LogicalDate));
    }

    [Fact]
    public async Task A_disabled_upstream_outside_the_pipeline_keeps_its_downstream_waiting()
    {
        var (a, b, c, d) = await ExampleAsync();
        await Client.SendJsonAsync(HttpMethod.Post, $"/api/jobs/{d.Id}/disable", "{}");

        await Client.WaitForEndAsync(await Client.TriggerAsync(a));
        var waiting = (await Client.WaitForRunsAsync(c, 1, r => r.Reason == "waiting for: D (disabled)"))[0];

        Assert.Equal("Waiting", waiting.Status);
        Assert.Equal("Succeeded", (await OnlyRunAsync(b)).Status);
    }

    [Fact]
    public async Task Running_a_job_alone_does_not_start_its_downstream_and_a_scheduled_downstream_is_never_pulled_in()
    {
        var up = await Client.CreateJobAsync(JobsClient.ShellJob("up"));
        var manual = await Client.CreateJobAsync(JobsClient.ShellJob("manual-down", "up"));
        var scheduled = await Client.CreateJobAsync(JobsClient.ShellJob("cron-down", "up").With("schedule_type", "cron").With("cron_expression", "0 0 1 1 *"));

        // A trigger makes every run of its pipeline run at once (downstream ones waiting), so none can appear later.
        await Client.WaitForEndAsync(await Client.TriggerAsync(up, downstream: false));
        Assert.Empty(await Client.RunsOfAsync(manual));

        await Client.WaitForEndAsync(await Client.TriggerAsync(up));
        await Client.WaitForRunsAsync(manual, 1, r => r.FinishedAt is not null);
        Assert.Empty(await Client.RunsOfAsync(scheduled));
    }

    [Fact]
    public async Task Overlap_Skip_records_a_trigger_during_a_running_run_as_Skipped()
    {
        var job = await Client.CreateJobAsync(JobsClient.ShellJob("slow").With("command", "sleep 30"));
        var first = await Client.TriggerAsync(job);
        await Client.WaitForStatusAsync(first, "Running");

        var second = await Client.WaitForEndAsync(await Client.TriggerAsync(job));
        await Client.SendJsonAsync(HttpMethod.Post, $"/api/runs/{first}/cancel", "{}");

        Assert.Equal("Skipped", second.Status);
        Assert.Equal($"Skipped by the overlap policy Skip: run #{first} of this job was still running.", second.Reason);
    }

    [Fact]
    public async Task Overlap_Queue_waits_for_the_running_run_and_later_triggers_join_the_pending_run()
    {
        var job = await Client.CreateJobAsync(JobsClient.ShellJob("queued").With("command", "sleep 30").With("overlap_policy", "queue"));
        var first = await Client.TriggerAsync(job);
        await Client.WaitForStatusAsync(first, "Running");

        var second = await Client.TriggerAsync(job);
        var third = await Client.TriggerAsync(job);
        var waiting = await Client.WaitForRunAsync(second, r => r.Reason is not null);
        await Client.SendJsonAsync(HttpMethod.Post, $"/api/runs/{first}/cancel", "{}");
        var started = await Client.WaitForStatusAsync(second, "Running");
        await Client.SendJsonAsync(HttpMethod.Post, $"/api/runs/{second}/cancel", "{}");

        Assert.Equal(second, third);
        Assert.Equal($"waiting for run #{first} of this job to finish", waiting.Reason);
        Assert.Equal(2, started.Requests.Count);
        Assert.Equal(2, (await Client.RunsOfAsync(job)).Count);
    }

    [Fact]
    public async Task Overlap_Allow_runs_alongside()
    {
        var job = await Client.CreateJobAsync(JobsClient.ShellJob("parallel").With("command", "sleep 30").With("overlap_policy", "allow"));
        var first = await Client.TriggerAsync(job);
        var second = await Client.TriggerAsync(job);

        await Client.WaitForStatusAsync(first, "Running");
        await Client.WaitForStatusAsync(second, "Running");
        await Client.SendJsonAsync(HttpMethod.Post, $"/api/runs/{first}/cancel", "{}");
        await Client.SendJsonAsync(HttpMethod.Post, $"/api/runs/{second}/cancel", "{}");
        var one = Assert.Single((await Client.WaitForEndAsync(first)).Attempts);
        var two = Assert.Single((await Client.WaitForEndAsync(second)).Attempts);

        Assert.NotEqual(first, second);

        // Each attempt started before the other finished: the two ran at the same time.
        Assert.True(
            one.StartedAt < two.FinishedAt && two.StartedAt < one.FinishedAt,
            $"run #{first} ran {one.StartedAt:O} to {one.FinishedAt:O}, run #{second} {two.StartedAt:O} to {two.FinishedAt:O}");
    }

    [Fact]
    public async Task A_disabled_job_cannot_be_triggered()
    {
        var job = await Client.CreateJobAsync(JobsClient.ShellJob("off").With("enabled", false));

        using var response = await Client.PostAsync(new Uri($"/api/jobs/{job.Id}/run", UriKind.Relative), null);

        Assert.Equal(System.Net.HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("disabled", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
