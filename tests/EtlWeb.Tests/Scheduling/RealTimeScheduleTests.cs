using EtlWeb.Tests.Support;

namespace EtlWeb.Tests.Scheduling;

public sealed class RealTimeScheduleTests
{
    [Fact]
    public async Task A_every_second_cron_job_fires_repeatedly_on_the_real_clock_and_its_downstream_follows_each_time()
    {
        await using var factory = new EtlWebFactory();
        using var client = factory.CreateClient();
        // Allow: on a loaded machine a run may outlast its second, and Skip would then (rightly) skip a fire.
        // The ticker starts disabled: on a loaded machine it could otherwise fire before its follower exists.
        var ticker = await client.CreateJobAsync(JobsClient.ShellJob("ticker").With("schedule_type", "cron").With("cron_expression", "* * * * * *")
            .With("overlap_policy", "allow").With("enabled", false));
        var follower = await client.CreateJobAsync(JobsClient.ShellJob("follower", "ticker").With("overlap_policy", "allow"));
        await client.SendJsonAsync(HttpMethod.Post, $"/api/jobs/{ticker.Id}/enable", "{}");

        await client.WaitForRunsAsync(ticker, 3, r => r.Status == "Succeeded");
        await client.SendJsonAsync(HttpMethod.Post, $"/api/jobs/{ticker.Id}/disable", "{}");

        // Once the scheduler has dropped it from its plan it fires no more; the runs it made end, each follower after its own.
        await factory.WaitForPlanAsync(next => next is null, "the disabled ticker out of the plan");
        var fires = await client.WaitForRunsAsync(ticker, (await client.RunsOfAsync(ticker)).Count, r => r.FinishedAt is not null);
        var follows = await client.WaitForRunsAsync(follower, fires.Count, r => r.FinishedAt is not null);
        Assert.All(fires.Concat(follows), r => Assert.Equal("Succeeded", r.Status));
        Assert.All(fires, f => Assert.Equal("Schedule", f.Trigger));

        // One run per fire: each for its own whole second; each follower in its fire's pipeline run, for the same instant.
        var dueTimes = fires.Select(f => f.LogicalDate).ToList();
        Assert.Equal(dueTimes.Count, dueTimes.Distinct().Count());
        Assert.All(dueTimes, d => Assert.Equal(0, d.Ticks % TimeSpan.TicksPerSecond));
        Assert.Equal(
            fires.Select(f => (f.PipelineId!.Value, f.LogicalDate)).Order(),
            follows.Select(f => (f.PipelineId!.Value, f.LogicalDate)).Order());
    }
}
