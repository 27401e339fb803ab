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
        await client.SendJsonAsync(HttpMethod.Post, $"/api/jobs/{ticker["id"]}/enable", "{}");

        await Task.Delay(TimeSpan.FromSeconds(4));
        await client.SendJsonAsync(HttpMethod.Post, $"/api/jobs/{ticker["id"]}/disable", "{}");
        await Task.Delay(TimeSpan.FromSeconds(1));

        var fires = (await client.RunsOfAsync(ticker)).Select(r => r!).Where(r => r["status"]!.GetValue<string>() == "Succeeded").ToList();
        var follows = (await client.WaitForRunsAsync(follower, fires.Count, r => r["status"]!.GetValue<string>() == "Succeeded"))
            .Select(r => r["pipeline_id"]!.GetValue<Guid>()).ToHashSet();
        Assert.True(fires.Count >= 3, $"only {fires.Count} scheduled run(s) succeeded in 4 s");
        Assert.All(fires, f => Assert.Equal("Schedule", f["trigger"]!.GetValue<string>()));
        Assert.All(fires, f => Assert.Contains(f["pipeline_id"]!.GetValue<Guid>(), follows));
        Assert.Equal(fires.Count, fires.Select(f => f["queued_at"]!.GetValue<DateTimeOffset>()).Distinct().Count());
    }
}
