using EtlWeb.Core.Runs;
using EtlWeb.Orchestration;
using EtlWeb.Tests.Support;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;

namespace EtlWeb.Tests.Engine;

public sealed class QueueAndDeliveryTests() : HostTest(new EtlWebFactory { Settings = { ["EtlWeb:MaxConcurrentJobs"] = "1", ["EtlWeb:KillGraceSeconds"] = "1" } })
{
    [Fact]
    public async Task Cancelling_a_queued_run_ends_it_before_any_attempt_starts()
    {
        var blocker = JobsClient.ShellJob("blocker");
        blocker["command"] = "sleep 300";
        var quick = JobsClient.ShellJob("quick");
        var blockerRun = await Client.RunJobAsync(await Client.CreateJobAsync(blocker));
        await Client.WaitForStatusAsync(blockerRun, "Running");
        var queuedRun = await Client.RunJobAsync(await Client.CreateJobAsync(quick));

        var (status, _) = await Client.SendJsonAsync(HttpMethod.Post, $"/api/runs/{queuedRun}/cancel", "{}");
        await Client.SendJsonAsync(HttpMethod.Post, $"/api/runs/{blockerRun}/cancel", "{}");
        await Client.WaitForEndAsync(blockerRun);
        var run = await Client.WaitForEndAsync(queuedRun);

        Assert.Equal(System.Net.HttpStatusCode.OK, status);
        Assert.Equal("Cancelled", run.Status);
        var attempt = Assert.Single(run.Attempts);
        Assert.Equal("Cancelled", attempt.Status);
        Assert.Null(attempt.StartedAt);
    }

    [Fact]
    public async Task A_second_delivery_of_the_same_attempt_starts_no_second_process()
    {
        using var admin = Acting.AsAdmin();
        var counter = Path.Combine(Factory.DataDirectory, "starts");
        var job = JobsClient.ShellJob("once");
        job["command"] = $"echo started >> {counter}; sleep 1";
        var created = await Client.CreateJobAsync(job);
        var runs = Factory.Services.GetRequiredService<EtlWeb.Features.Runs.RunService>();
        var run = (await runs.TriggerAsync(created.Id!.Value, TriggerKind.Manual)).Run!;
        var attemptId = (await Client.GetRunAsync(run.Id)).Attempts[0].Id;

        // Hangfire delivers the attempt once; these are the extra deliveries a crash or a timeout would cause.
        var executor = Factory.Services.GetRequiredService<AttemptExecutor>();
        await Task.WhenAll(
            executor.ExecuteAsync(attemptId, CancellationToken.None),
            Factory.Services.GetRequiredService<AttemptExecutor>().ExecuteAsync(attemptId, CancellationToken.None));
        var ended = await Client.WaitForEndAsync(run.Id);
        await executor.ExecuteAsync(attemptId, CancellationToken.None);

        Assert.Equal("Succeeded", ended.Status);
        Assert.Single(ended.Attempts);
        Assert.Equal(["started"], File.ReadAllLines(counter));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_attempt_whose_Hangfire_job_was_lost_is_handed_to_the_queue_again_and_runs_once(bool handedByThisProcess)
    {
        // Never handed over (as if the enqueue was lost, or made by a process since gone: Hangfire's lists are read), or
        // handed over here and its Hangfire job deleted since (that one job is read).
        var (runId, attemptId) = await OverdueRunAsync(handedByThisProcess ? "deleted in Hangfire" : "orphaned");
        if (handedByThisProcess)
        {
            var queue = Factory.Services.GetRequiredService<RunQueue>();
            queue.Schedule(attemptId, TimeSpan.FromMinutes(10));
            Assert.True(queue.TryGetHandedJob(attemptId, out var jobId));
            Factory.Services.GetRequiredService<IBackgroundJobClient>().Delete(jobId);
        }

        var requeued = await Factory.Services.GetRequiredService<QueueWatchdog>().RequeueOverdueAsync(CancellationToken.None);
        var ended = await Client.WaitForEndAsync(runId);

        Assert.Equal(1, requeued);
        Assert.Equal("Succeeded", ended.Status);
        Assert.Single(ended.Attempts);
    }

    [Fact]
    public async Task An_overdue_attempt_that_Hangfire_still_holds_is_left_to_it()
    {
        var (runId, attemptId) = await OverdueRunAsync("behind a long queue");
        Factory.Services.GetRequiredService<RunQueue>().Schedule(attemptId, TimeSpan.FromMinutes(10));

        var requeued = await Factory.Services.GetRequiredService<QueueWatchdog>().RequeueOverdueAsync(CancellationToken.None);

        Assert.Equal(0, requeued);
        Assert.Equal("Queued", (await Client.GetRunAsync(runId)).Status);
    }

    [Fact]
    public async Task An_overdue_attempt_handed_to_Hangfire_before_this_process_started_is_found_in_its_lists()
    {
        var (runId, attemptId) = await OverdueRunAsync("handed over by the previous process");
        Factory.Services.GetRequiredService<IBackgroundJobClient>()
            .Schedule<AttemptExecutor>(executor => executor.ExecuteAsync(attemptId, CancellationToken.None), TimeSpan.FromMinutes(10));
        Assert.False(Factory.Services.GetRequiredService<RunQueue>().TryGetHandedJob(attemptId, out _));

        var requeued = await Factory.Services.GetRequiredService<QueueWatchdog>().RequeueOverdueAsync(CancellationToken.None);

        Assert.Equal(0, requeued);
        Assert.Equal("Queued", (await Client.GetRunAsync(runId)).Status);
    }

    [Fact]
    public async Task A_delivery_forgets_the_job_it_came_from_after_its_claim_but_not_a_job_the_attempt_was_handed_to_since()
    {
        var (runId, attemptId) = await OverdueRunAsync("handed twice");
        var queue = Factory.Services.GetRequiredService<RunQueue>();
        queue.Schedule(attemptId, TimeSpan.FromMinutes(10));
        Assert.True(queue.TryGetHandedJob(attemptId, out var first));
        queue.Schedule(attemptId, TimeSpan.FromMinutes(10));
        Assert.True(queue.TryGetHandedJob(attemptId, out var second));

        queue.Delivered(attemptId, first);
        Assert.True(queue.TryGetHandedJob(attemptId, out var kept));
        Assert.Equal(second, kept);

        // A real delivery: the attempt runs, and once claimed it is no longer known as waiting for a Hangfire job.
        await Factory.Services.GetRequiredService<AttemptExecutor>().ExecuteAsync(attemptId, CancellationToken.None);
        Assert.Equal("Succeeded", (await Client.WaitForEndAsync(runId)).Status);
        Assert.False(queue.TryGetHandedJob(attemptId, out _));
    }

    /// <summary>A run whose first attempt was never given to Hangfire, as if the enqueue had been lost a minute ago.</summary>
    private async Task<(long RunId, long AttemptId)> OverdueRunAsync(string name)
    {
        var job = await Client.CreateJobAsync(JobsClient.ShellJob(name));
        var dbFactory = Factory.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<EtlWeb.Data.EtlDbContext>>();
        await using var db = await dbFactory.CreateDbContextAsync();
        var definition = await db.Jobs.FindAsync(job.Id!.Value);
        var run = SeededRuns.InStatus(definition!.Id, RunStatus.Queued, TimeProvider.System.GetUtcNow().AddMinutes(-1), snapshot: EtlWeb.Core.Jobs.JobSnapshot.Of(definition));
        db.Runs.Add(run);
        await db.SaveChangesAsync();
        return (run.Id, run.Attempts.Single().Id);
    }
}
