using EtlWeb.Core.Runs;
using EtlWeb.Data;
using EtlWeb.Features.Dashboard;
using EtlWeb.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EtlWeb.Tests.Dashboard;

/// <summary>The dashboard's figures over a real SQLite file, with runs written straight into it at a fixed "now".</summary>
public sealed class DashboardQueriesTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 20, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Now);
    private readonly EtlWebFactory _factory;
    private HttpClient _client = null!;

    public DashboardQueriesTests() => _factory = new EtlWebFactory { ConfigureServices = s => s.AddSingleton<TimeProvider>(_clock) };

    private DashboardQueries Queries => _factory.Services.GetRequiredService<DashboardQueries>();

    public Task InitializeAsync()
    {
        _client = _factory.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private async Task<int> JobAsync(string name, System.Text.Json.Nodes.JsonObject? document = null)
    {
        var job = await _client.CreateJobAsync(document ?? JobsClient.ShellJob(name));
        return job.Id!.Value;
    }

    private async Task<long> RunAsync(int jobId, RunStatus status, DateTimeOffset queued, TimeSpan? duration = null, string? reason = null)
    {
        await using var db = await _factory.Services.GetRequiredService<IDbContextFactory<EtlDbContext>>().CreateDbContextAsync();
        // A running run is on its second attempt, as a retry would be.
        var run = SeededRuns.InStatus(jobId, status, queued, started: queued, finished: queued + (duration ?? TimeSpan.FromSeconds(1)), reason: reason,
            attempt: status == RunStatus.Running ? 2 : 1);
        db.Runs.Add(run);
        await db.SaveChangesAsync();
        return run.Id;
    }

    [Fact]
    public async Task A_running_job_is_compared_with_the_median_of_its_last_20_successful_runs()
    {
        var job = await JobAsync("load");
        // Five old runs of 100 s fall out of the sample of 20; failures never count.
        for (var i = 0; i < 5; i++)
        {
            await RunAsync(job, RunStatus.Succeeded, Now.AddDays(-3), TimeSpan.FromSeconds(100));
        }

        for (var i = 1; i <= 20; i++)
        {
            await RunAsync(job, RunStatus.Succeeded, Now.AddDays(-2), TimeSpan.FromSeconds(i));
            await RunAsync(job, RunStatus.Failed, Now.AddDays(-2), TimeSpan.FromSeconds(500));
        }

        var running = await RunAsync(job, RunStatus.Running, Now.AddSeconds(-30));

        var run = Assert.Single(await Queries.RunningAsync());
        Assert.Equal(running, run.RunId);
        Assert.Equal("load", run.JobName);
        Assert.Equal(Now.AddSeconds(-30), run.StartedAt);
        Assert.Equal(2, run.AttemptNumber);
        Assert.Equal(TimeSpan.FromSeconds(10.5), run.TypicalDuration);
    }

    [Fact]
    public async Task A_job_that_never_succeeded_has_no_typical_duration()
    {
        var job = await JobAsync("new");
        await RunAsync(job, RunStatus.Failed, Now.AddHours(-1));
        await RunAsync(job, RunStatus.Running, Now.AddSeconds(-5));

        Assert.Null(Assert.Single(await Queries.RunningAsync()).TypicalDuration);
    }

    [Fact]
    public async Task Today_starts_at_the_viewers_midnight_and_the_rate_leaves_out_cancelled_and_skipped()
    {
        var newYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        var job = await JobAsync("daily");
        // Midnight in New York (EDT) is 04:00 UTC.
        await RunAsync(job, RunStatus.Failed, new DateTimeOffset(2026, 6, 1, 3, 59, 0, TimeSpan.Zero));
        await RunAsync(job, RunStatus.Succeeded, new DateTimeOffset(2026, 6, 1, 4, 1, 0, TimeSpan.Zero));
        await RunAsync(job, RunStatus.Succeeded, Now.AddHours(-2));
        await RunAsync(job, RunStatus.Succeeded, Now.AddHours(-1));
        await RunAsync(job, RunStatus.TimedOut, Now.AddMinutes(-30));
        await RunAsync(job, RunStatus.Cancelled, Now.AddMinutes(-20));
        await RunAsync(job, RunStatus.Skipped, Now.AddMinutes(-10));
        await RunAsync(job, RunStatus.Running, Now.AddMinutes(-1));

        var today = await Queries.TodayAsync(newYork);
        var utcToday = await Queries.TodayAsync(TimeZoneInfo.Utc);

        Assert.Equal(new TodaySummary(Runs: 7, Succeeded: 3, Failed: 1, Active: 1), today);
        Assert.Equal(0.75, today.SuccessRate);
        Assert.Equal(8, utcToday.Runs);
    }

    [Fact]
    public void A_day_without_ended_runs_has_no_success_rate() =>
        Assert.Null(new TodaySummary(2, 0, 0, 2).SuccessRate);

    [Fact]
    public async Task Attention_lists_jobs_whose_latest_run_failed_newest_first()
    {
        var recovered = await JobAsync("recovered");
        var broken = await JobAsync("broken");
        var slow = await JobAsync("slow");
        var cancelled = await JobAsync("cancelled");
        var blocked = await JobAsync("blocked");
        await RunAsync(recovered, RunStatus.Failed, Now.AddHours(-3));
        await RunAsync(recovered, RunStatus.Succeeded, Now.AddHours(-2));
        var brokenRun = await RunAsync(broken, RunStatus.Failed, Now.AddHours(-2), reason: "exit code 3");
        await RunAsync(cancelled, RunStatus.Failed, Now.AddHours(-2));
        await RunAsync(cancelled, RunStatus.Cancelled, Now.AddHours(-1));
        var slowRun = await RunAsync(slow, RunStatus.TimedOut, Now.AddHours(-1));
        var blockedRun = await RunAsync(blocked, RunStatus.UpstreamFailed, Now.AddMinutes(-5), reason: "upstream failed: broken");

        var items = await Queries.AttentionAsync();

        Assert.Equal([blockedRun, slowRun, brokenRun], items.Select(i => i.RunId));
        Assert.Equal(["blocked", "slow", "broken"], items.Select(i => i.JobName));
        Assert.Equal("exit code 3", items[2].Reason);
        Assert.Equal(RunStatus.UpstreamFailed, items[0].Status);
    }

    [Fact]
    public async Task Upcoming_fires_come_from_the_schedules_with_each_jobs_count_in_24_hours()
    {
        await JobAsync("hourly", JobsClient.ShellJob("hourly").With("schedule_type", "cron").With("cron_expression", "0 * * * *").With("time_zone", "UTC"));
        await JobAsync("nightly", JobsClient.ShellJob("nightly").With("schedule_type", "cron").With("cron_expression", "30 2 * * *").With("time_zone", "Europe/Paris"));
        await JobAsync("every-90", JobsClient.ShellJob("every-90").With("schedule_type", "interval").With("interval_minutes", 90));
        await JobAsync("manual");
        await JobAsync("off", JobsClient.ShellJob("off").With("schedule_type", "cron").With("cron_expression", "* * * * *").With("enabled", false));
        await JobAsync("yearly", JobsClient.ShellJob("yearly").With("schedule_type", "cron").With("cron_expression", "0 0 1 1 *"));

        var fires = await Queries.UpcomingAsync();

        Assert.Equal(["hourly", "every-90", "nightly"], fires.Select(f => f.JobName));
        Assert.Equal(new DateTimeOffset(2026, 6, 1, 13, 0, 0, TimeSpan.Zero), fires[0].At);
        Assert.Equal(24, fires[0].FiresInWindow);
        Assert.Equal(Now.AddMinutes(90), fires[1].At);
        Assert.Equal(16, fires[1].FiresInWindow);
        Assert.Equal(new DateTimeOffset(2026, 6, 2, 0, 30, 0, TimeSpan.Zero), fires[2].At);
        Assert.Equal("Europe/Paris", fires[2].JobTimeZone);
        Assert.Equal(1, fires[2].FiresInWindow);
    }

    [Fact]
    public async Task Runs_per_hour_cover_the_last_24_hours_of_the_viewers_clock()
    {
        var kolkata = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");
        var job = await JobAsync("busy");
        // 12:20 UTC is 17:50 in Kolkata (+05:30): the current hour there began at 11:30 UTC.
        await RunAsync(job, RunStatus.Succeeded, new DateTimeOffset(2026, 6, 1, 11, 31, 0, TimeSpan.Zero));
        await RunAsync(job, RunStatus.Failed, new DateTimeOffset(2026, 6, 1, 11, 45, 0, TimeSpan.Zero));
        await RunAsync(job, RunStatus.Running, new DateTimeOffset(2026, 6, 1, 12, 10, 0, TimeSpan.Zero));
        await RunAsync(job, RunStatus.Succeeded, new DateTimeOffset(2026, 6, 1, 11, 29, 0, TimeSpan.Zero));
        await RunAsync(job, RunStatus.Succeeded, new DateTimeOffset(2026, 5, 31, 12, 29, 0, TimeSpan.Zero));

        var hours = await Queries.PerHourAsync(kolkata);

        Assert.Equal(24, hours.Count);
        Assert.Equal(new DateTimeOffset(2026, 6, 1, 11, 30, 0, TimeSpan.Zero), hours[^1].HourStart);
        Assert.Equal(new HourlyRuns(hours[^1].HourStart, Succeeded: 1, Failed: 1, Other: 1), hours[^1]);
        Assert.Equal(1, hours[^2].Succeeded);
        Assert.Equal(2, hours.Sum(h => h.Succeeded));
    }

    [Fact]
    public void The_median_of_an_even_sample_is_the_mean_of_the_middle_two() =>
        Assert.Equal(TimeSpan.FromSeconds(3), DashboardQueries.Median([TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(9)]));
}
