using System.Text.Json;
using EtlWeb.Api;
using EtlWeb.Core.Jobs;
using EtlWeb.Features.Runs;
using EtlWeb.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EtlWeb.Tests.Scheduling;

public sealed class SchedulerTests
{
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 10, 0, 30, TimeSpan.Zero);

    /// <summary>
    /// Hangfire runs on the real clock, so a run triggered at a fake instant may still be queued when the test
    /// moves the fake clock on; a fire then joins that pending run. Tests that count fires wait for each run.
    /// </summary>
    private static bool Finished(RunDocument run) => run.FinishedAt is not null;

    private static EtlWebFactory FakeClockFactory(FakeTimeProvider clock, string? dataDirectory = null) => dataDirectory is null
        ? new EtlWebFactory { ConfigureServices = s => s.AddSingleton<TimeProvider>(clock) }
        : new EtlWebFactory { DataDirectory = dataDirectory, DeleteDataDirectoryOnDispose = false, ConfigureServices = s => s.AddSingleton<TimeProvider>(clock) };

    [Fact]
    public async Task An_every_minute_cron_job_fires_once_per_minute_as_the_clock_advances()
    {
        var clock = new FakeTimeProvider(Start);
        await using var factory = FakeClockFactory(clock);
        using var client = factory.CreateClient();
        var job = await client.CreateJobAsync(JobsClient.ShellJob("minutely").With("schedule_type", "cron").With("cron_expression", "* * * * *").With("time_zone", "UTC"));
        Assert.Equal(new DateTimeOffset(2026, 6, 1, 10, 1, 0, TimeSpan.Zero), (await client.GetJobAsync(job.Id!.Value)).NextRunAt);

        clock.Advance(TimeSpan.FromSeconds(30));
        await client.WaitForRunsAsync(job, 1, Finished);
        clock.Advance(TimeSpan.FromSeconds(60));
        var runs = await client.WaitForRunsAsync(job, 2);
        // Short of the next fire by more than the pre-staging lead: it is not made yet.
        clock.Advance(TimeSpan.FromSeconds(58));
        await factory.FiresSettledAsync(clock);

        Assert.Equal(2, (await client.RunsOfAsync(job)).Count);
        Assert.All(runs, r => Assert.Equal("Schedule", r.Trigger));

        // Each run is for its fire's due time, whenever it was made.
        Assert.Equal([Start.AddSeconds(30), Start.AddSeconds(90)], runs.Select(r => r.LogicalDate).Order());
        Assert.Equal(new DateTimeOffset(2026, 6, 1, 10, 3, 0, TimeSpan.Zero), (await client.GetJobAsync(job.Id!.Value)).NextRunAt);
    }

    [Fact]
    public async Task The_scheduler_sleeps_until_a_moment_before_the_next_fire_or_at_most_a_minute_when_nothing_is_due_sooner()
    {
        var clock = new FakeTimeProvider(Start);
        await using var factory = FakeClockFactory(clock);
        using var client = factory.CreateClient();
        var scheduler = factory.Services.GetRequiredService<EtlWeb.Orchestration.Scheduler>();
        Assert.Equal(Start.AddMinutes(1), scheduler.WakeAt);

        var yearly = await client.CreateJobAsync(JobsClient.ShellJob("yearly").With("schedule_type", "cron").With("cron_expression", "0 0 1 1 *"));
        await factory.WaitForPlanAsync(next => next == new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero), "the yearly job planned");
        Assert.Equal(Start.AddMinutes(1), scheduler.WakeAt);

        await client.CreateJobAsync(JobsClient.ShellJob("soon").With("schedule_type", "cron").With("cron_expression", "* * * * *"));
        var due = new DateTimeOffset(2026, 6, 1, 10, 1, 0, TimeSpan.Zero);
        await factory.WaitForPlanAsync(next => next == due, "the minutely job planned");
        Assert.Equal(due - EtlWeb.Orchestration.Scheduler.PrestageLead, scheduler.WakeAt);
        Assert.Equal(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero), (await client.GetJobAsync(yearly.Id!.Value)).NextRunAt);
    }

    [Fact]
    public async Task A_fire_is_made_into_its_run_a_moment_before_its_due_time_and_starts_at_it_unless_its_job_has_upstream_jobs()
    {
        var clock = new FakeTimeProvider(Start);
        await using var factory = FakeClockFactory(clock);
        using var client = factory.CreateClient();
        var scheduler = factory.Services.GetRequiredService<EtlWeb.Orchestration.Scheduler>();
        var due = new DateTimeOffset(2026, 6, 1, 10, 1, 0, TimeSpan.Zero);
        var job = await client.CreateJobAsync(JobsClient.ShellJob("prestaged").With("schedule_type", "cron").With("cron_expression", "* * * * *"));
        await client.CreateJobAsync(JobsClient.ShellJob("upstream"));
        var downstream = await client.CreateJobAsync(JobsClient.ShellJob("downstream").With("schedule_type", "cron").With("cron_expression", "* * * * *")
            .With("dependencies", new System.Text.Json.Nodes.JsonArray("upstream")));
        await factory.WaitForPlanAsync(next => next == due, "both jobs planned");

        clock.Advance(due - EtlWeb.Orchestration.Scheduler.PrestageLead - clock.GetUtcNow() + TimeSpan.FromMilliseconds(500));
        var staged = (await client.WaitForRunsAsync(job, 1)).Single();
        // The job with an upstream job is held for its due instant: the timer is armed for it.
        await factory.WaitForWakeAsync(wake => wake == due, "the held fire's due instant");

        Assert.Equal("Queued", staged.Status);
        Assert.Equal(due, staged.Attempts.Single().NotBefore);
        Assert.Equal(due, staged.LogicalDate);
        Assert.StartsWith("waiting until", staged.WaitingFor, StringComparison.Ordinal);
        Assert.Empty(await client.RunsOfAsync(downstream));

        clock.Advance(due - clock.GetUtcNow());
        var ended = await client.WaitForEndAsync(staged.Id);
        Assert.Equal("Succeeded", ended.Status);
        Assert.True(ended.Attempts.Single().StartedAt >= due);
        Assert.Single(await client.WaitForRunsAsync(downstream, 1));
    }

    [Fact]
    public async Task An_interval_job_fires_n_minutes_after_it_was_enabled_then_every_n_minutes()
    {
        var clock = new FakeTimeProvider(Start);
        await using var factory = FakeClockFactory(clock);
        using var client = factory.CreateClient();
        var job = await client.CreateJobAsync(JobsClient.ShellJob("every5").With("schedule_type", "interval").With("interval_minutes", 5));

        clock.Advance(TimeSpan.FromMinutes(4));
        await factory.FiresSettledAsync(clock);
        Assert.Empty(await client.RunsOfAsync(job));
        clock.Advance(TimeSpan.FromMinutes(1));
        await client.WaitForRunsAsync(job, 1, Finished);
        clock.Advance(TimeSpan.FromMinutes(5));
        await client.WaitForRunsAsync(job, 2);

        Assert.Equal(Start.AddMinutes(15), (await client.GetJobAsync(job.Id!.Value)).NextRunAt);
    }

    [Fact]
    public async Task Editing_disabling_and_pausing_a_job_replan_it_at_once()
    {
        var clock = new FakeTimeProvider(Start);
        await using var factory = FakeClockFactory(clock);
        using var client = factory.CreateClient();
        var job = await client.CreateJobAsync(JobsClient.ShellJob("hourly").With("schedule_type", "cron").With("cron_expression", "0 * * * *"));

        await factory.WaitForPlanAsync(next => next == new DateTimeOffset(2026, 6, 1, 11, 0, 0, TimeSpan.Zero), "the hourly job planned");
        await client.SendJsonAsync(HttpMethod.Post, $"/api/jobs/{job.Id}/disable", "{}");
        var disabled = await client.GetJobAsync(job.Id!.Value);
        await factory.WaitForPlanAsync(next => next is null, "the disabled job out of the plan");
        clock.Advance(TimeSpan.FromHours(1));
        await factory.FiresSettledAsync(clock);
        Assert.Null(disabled.NextRunAt);
        Assert.Empty(await client.RunsOfAsync(job));

        await client.SendJsonAsync(HttpMethod.Post, $"/api/jobs/{job.Id}/enable", "{}");
        var (pause, _) = await client.SendJsonAsync(HttpMethod.Post, $"/api/jobs/{job.Id}/pause", """{"until":"2026-06-01T14:00:00Z"}""");
        var paused = await client.GetJobAsync(job.Id!.Value);
        await factory.WaitForPlanAsync(next => next == new DateTimeOffset(2026, 6, 1, 14, 0, 0, TimeSpan.Zero), "the paused job planned for 14:00");
        clock.Advance(TimeSpan.FromHours(2));
        await factory.FiresSettledAsync(clock);

        Assert.Equal(System.Net.HttpStatusCode.NoContent, pause);
        Assert.Equal(new DateTimeOffset(2026, 6, 1, 14, 0, 0, TimeSpan.Zero), paused.NextRunAt);
        Assert.Empty(await client.RunsOfAsync(job));
        clock.Advance(TimeSpan.FromMinutes(60));
        var runs = await client.WaitForRunsAsync(job, 1);
        Assert.Equal("Schedule", runs[0].Trigger);
    }

    [Fact]
    public async Task Every_job_of_an_import_is_planned_and_the_earliest_of_them_fires_first()
    {
        var clock = new FakeTimeProvider(Start);
        await using var factory = FakeClockFactory(clock);
        using var client = factory.CreateClient();
        var jobs = new System.Text.Json.Nodes.JsonArray(
            JobsClient.ShellJob("hourly").With("schedule_type", "cron").With("cron_expression", "0 * * * *"),
            JobsClient.ShellJob("half past").With("schedule_type", "cron").With("cron_expression", "30 10 * * *"),
            JobsClient.ShellJob("by hand"));

        var (status, _) = await client.ImportAsync(jobs.ToJsonString());
        await factory.WaitForPlanAsync(next => next == new DateTimeOffset(2026, 6, 1, 10, 30, 0, TimeSpan.Zero), "the half past job planned");
        clock.Advance(TimeSpan.FromMinutes(30));
        var halfPast = (await client.GetDocumentAsync<List<JobDocument>>("/api/jobs")).Single(j => j.Name == "half past");
        await client.WaitForRunsAsync(halfPast, 1);

        Assert.Equal(System.Net.HttpStatusCode.OK, status);
        await factory.WaitForPlanAsync(next => next == new DateTimeOffset(2026, 6, 1, 11, 0, 0, TimeSpan.Zero), "the hourly job planned");
    }

    [Fact]
    public async Task Skip_next_records_the_next_fire_as_Skipped_and_the_one_after_runs()
    {
        var clock = new FakeTimeProvider(Start);
        await using var factory = FakeClockFactory(clock);
        using var client = factory.CreateClient();
        var job = await client.CreateJobAsync(JobsClient.ShellJob("skippy").With("schedule_type", "cron").With("cron_expression", "0 * * * *"));

        var (status, body) = await client.SendJsonAsync(HttpMethod.Post, $"/api/jobs/{job.Id}/skip-next", "{}");
        clock.Advance(TimeSpan.FromHours(1));
        var first = await client.WaitForRunsAsync(job, 1, Finished);
        clock.Advance(TimeSpan.FromHours(1));
        var both = await client.WaitForRunsAsync(job, 2);

        Assert.Equal(System.Net.HttpStatusCode.OK, status);
        Assert.Equal(new DateTimeOffset(2026, 6, 1, 11, 0, 0, TimeSpan.Zero), body.Deserialize<SkippedFire>()!.SkippedFireAt);
        Assert.Equal("Skipped", first[0].Status);
        Assert.Equal(new DateTimeOffset(2026, 6, 1, 11, 0, 0, TimeSpan.Zero), first[0].LogicalDate);
        Assert.Contains("Skipped by an operator", first[0].Reason, StringComparison.Ordinal);
        Assert.NotEqual("Skipped", both[0].Status);
    }

    [Fact]
    public async Task After_three_hours_down_RunOnce_makes_exactly_one_CatchUp_run_and_Skip_makes_none()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "etlweb-tests", "misfire-" + Guid.NewGuid().ToString("N"));
        var clock = new FakeTimeProvider(Start);
        JobDocument catchUp, skip;
        await using (var before = FakeClockFactory(clock, dataDirectory))
        {
            using var client = before.CreateClient();
            catchUp = await client.CreateJobAsync(JobsClient.ShellJob("catch-up").With("schedule_type", "cron").With("cron_expression", "0 * * * *"));
            skip = await client.CreateJobAsync(JobsClient.ShellJob("no-catch-up").With("schedule_type", "cron").With("cron_expression", "0 * * * *").With("misfire_policy", "skip"));
            clock.Advance(TimeSpan.FromMinutes(60));
            await client.WaitForRunsAsync(catchUp, 1, r => r.Status == "Succeeded");
            await client.WaitForRunsAsync(skip, 1, r => r.Status == "Succeeded");
        }

        // Down from 11:00:30 to 14:00:30: the 12:00, 13:00 and 14:00 fires were missed.
        clock.Advance(TimeSpan.FromHours(3));
        await using var after = new EtlWebFactory { DataDirectory = dataDirectory, ConfigureServices = s => s.AddSingleton<TimeProvider>(clock) };
        using var restarted = after.CreateClient();
        await after.FiresSettledAsync(clock);
        var runs = await restarted.RunsOfAsync(catchUp);

        Assert.Equal(["CatchUp", "Schedule"], runs.Select(r => r.Trigger));

        // The catch-up run is for the latest fire it stands in for.
        Assert.Equal(new DateTimeOffset(2026, 6, 1, 14, 0, 0, TimeSpan.Zero), runs[0].LogicalDate);
        Assert.Single(await restarted.RunsOfAsync(skip));
        Assert.Equal(new DateTimeOffset(2026, 6, 1, 15, 0, 0, TimeSpan.Zero), (await restarted.GetJobAsync(skip.Id!.Value)).NextRunAt);
        Assert.Equal(2, runs.Count);

        // The fire timeline tells the missed fires from the one the policy ran.
        Assert.Equal(["11:00 ran", "12:00 misfire_skipped", "13:00 misfire_skipped", "14:00 caught_up"], await FiresAsync(restarted, catchUp));
        Assert.Equal(["11:00 ran", "12:00 misfire_skipped", "13:00 misfire_skipped", "14:00 misfire_skipped"], await FiresAsync(restarted, skip));
    }

    [Fact]
    public async Task The_fire_timeline_records_a_pause_a_skip_next_and_a_disabled_stretch_as_they_happen()
    {
        var clock = new FakeTimeProvider(Start);
        await using var factory = FakeClockFactory(clock);
        using var client = factory.CreateClient();
        var job = await client.CreateJobAsync(JobsClient.ShellJob("hourly").With("schedule_type", "cron").With("cron_expression", "0 * * * *").With("time_zone", "UTC"));

        var (paused, _) = await client.SendJsonAsync(HttpMethod.Post, $"/api/jobs/{job.Id}/pause", "{\"until\": \"2026-06-01T12:30:00Z\"}");
        Assert.Equal(System.Net.HttpStatusCode.NoContent, paused);
        clock.Advance(TimeSpan.FromHours(3));
        await client.WaitForRunsAsync(job, 1, Finished);
        await client.SendJsonAsync(HttpMethod.Post, $"/api/jobs/{job.Id}/skip-next", "{}");
        clock.Advance(TimeSpan.FromHours(1));
        await client.WaitForRunsAsync(job, 2, Finished);
        (await client.PostAsync($"/api/jobs/{job.Id}/disable", null)).EnsureSuccessStatusCode();
        clock.Advance(TimeSpan.FromHours(2));
        (await client.PostAsync($"/api/jobs/{job.Id}/enable", null)).EnsureSuccessStatusCode();
        clock.Advance(TimeSpan.FromHours(1));
        await client.WaitForRunsAsync(job, 3, Finished);

        Assert.Equal(["11:00 paused", "12:00 paused", "13:00 ran", "14:00 skip_next", "15:00 disabled", "16:00 disabled", "17:00 ran"], await FiresAsync(client, job));
    }

    [Fact]
    public async Task A_fire_that_joins_a_run_still_waiting_for_its_upstream_shows_as_blocked_with_that_run()
    {
        var clock = new FakeTimeProvider(Start);
        await using var factory = FakeClockFactory(clock);
        using var client = factory.CreateClient();
        await client.CreateJobAsync(JobsClient.ShellJob("never-ran"));
        var job = await client.CreateJobAsync(JobsClient.ShellJob("hourly-load", "never-ran").With("schedule_type", "cron").With("cron_expression", "0 * * * *").With("time_zone", "UTC"));

        clock.Advance(TimeSpan.FromHours(1));
        var waiting = (await client.WaitForRunsAsync(job, 1))[0];
        clock.Advance(TimeSpan.FromHours(1));
        await factory.FiresSettledAsync(clock);

        var fires = (await client.GetJsonAsync($"/api/jobs/{job.Id}/fires?from=2026-06-01T10:00:00Z&to=2026-06-01T12:30:00Z"))!.AsArray();
        Assert.Equal([("blocked", waiting.Id), ("blocked", waiting.Id)], fires.Select(f => ((string)f!["outcome"]!, (long)f["run_id"]!)));
        Assert.Single(await client.RunsOfAsync(job));
        (await client.PostAsync($"/api/runs/{waiting.Id}/cancel", null)).EnsureSuccessStatusCode();
    }

    private static async Task<List<string>> FiresAsync(HttpClient client, JobDocument job) =>
        [.. (await client.GetJsonAsync($"/api/jobs/{job.Id}/fires?from=2026-06-01T10:00:00Z&to=2026-06-01T18:00:00Z"))!.AsArray()
            .Select(f => $"{f!["due"]!.GetValue<DateTimeOffset>():HH:mm} {(string)f["outcome"]!}")];
}
