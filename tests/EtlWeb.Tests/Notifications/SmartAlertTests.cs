using EtlWeb.Configuration;
using EtlWeb.Core.Jobs;
using EtlWeb.Core.Runs;
using EtlWeb.Data;
using EtlWeb.Features.Notifications;
using EtlWeb.Testing;
using EtlWeb.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EtlWeb.Tests.Notifications;

/// <summary>Each smart alert fires once, and only once, in its scenario; they go to Slack here (a loopback listener).</summary>
public sealed class SmartAlertTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 10, 0, 30, TimeSpan.Zero);
    private LoopbackSlack _slack = null!;

    public async Task InitializeAsync() => _slack = await LoopbackSlack.StartAsync();

    public async Task DisposeAsync() => await _slack.DisposeAsync();

    private async Task<HttpClient> StartAsync(EtlWebFactory factory)
    {
        var client = factory.CreateClient();
        using var admin = Acting.AsAdmin();
        Assert.Empty(await factory.Services.GetRequiredService<NotificationSettings>().SaveSlackAsync(new SlackOptions { Enabled = true, WebhookUrl = _slack.WebhookUrl }));
        return client;
    }

    private static async Task<List<Notification>> NotificationsAsync(EtlWebFactory factory, int jobId)
    {
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<EtlDbContext>>().CreateDbContextAsync();
        return await db.Notifications.AsNoTracking().Where(n => n.JobId == jobId).OrderBy(n => n.Id).ToListAsync();
    }

    /// <summary>
    /// The job's notifications once every one of them is delivered (or given up), after the dispatcher has handled the
    /// end of <paramref name="lastRun"/> (and so of every run before it): what is there then is all there will be.
    /// </summary>
    private static async Task<List<Notification>> SettledAsync(EtlWebFactory factory, int jobId, long? lastRun = null)
    {
        var dispatcher = factory.Services.GetRequiredService<NotificationDispatcher>();
        var deadline = Environment.TickCount64 + 30_000;
        while (true)
        {
            var rows = await NotificationsAsync(factory, jobId);
            if ((lastRun is not { } run || dispatcher.LastHandledRunId >= run) && rows.All(n => n.Status != NotificationStatus.Pending))
            {
                return rows;
            }

            Assert.True(Environment.TickCount64 < deadline, $"Notifications still pending after 30 s: {rows.Count} row(s), last run handled {dispatcher.LastHandledRunId}.");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Recovered_is_sent_on_the_first_success_after_failures_only()
    {
        using var admin = Acting.AsAdmin();
        await using var factory = new EtlWebFactory();
        var client = await StartAsync(factory);
        var marker = Path.Combine(factory.DataDirectory, "healthy");
        var job = await client.CreateJobAsync(JobsClient.ShellJob("flaky")
            .With("command", $"test -f {marker}").With("notify_slack", true).With("notify_on_failure", false).With("notify_on_recovery", true));
        var id = job.Id!.Value;

        await client.WaitForEndAsync(await client.RunJobAsync(job));
        await client.WaitForEndAsync(await client.RunJobAsync(job));
        await File.WriteAllTextAsync(marker, "");
        var recovered = await client.RunJobAsync(job);
        await client.WaitForEndAsync(recovered);
        var later = await client.RunJobAsync(job);
        await client.WaitForEndAsync(later);

        var alert = Assert.Single(await SettledAsync(factory, id, lastRun: later));
        Assert.Equal((NotificationKind.Recovered, recovered, NotificationStatus.Sent), (alert.Kind, alert.RunId, alert.Status));
        Assert.Equal("First success after 2 runs that failed.", alert.Detail);
        var post = Assert.Single(_slack.Posts);
        Assert.Equal(":white_check_mark: flaky recovered", post["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_failure_streak_is_sent_once_per_streak()
    {
        using var admin = Acting.AsAdmin();
        await using var factory = new EtlWebFactory();
        var client = await StartAsync(factory);
        var marker = Path.Combine(factory.DataDirectory, "healthy");
        var job = await client.CreateJobAsync(JobsClient.ShellJob("broken")
            .With("command", $"test -f {marker}").With("notify_slack", true).With("notify_on_failure", false).With("notify_failure_streak", 3));
        var id = job.Id!.Value;
        var runs = new List<long>();
        async Task RunAsync()
        {
            var runId = await client.RunJobAsync(job);
            await client.WaitForEndAsync(runId);
            runs.Add(runId);
        }

        for (var i = 0; i < 5; i++)
        {
            await RunAsync();
        }

        await File.WriteAllTextAsync(marker, "");
        await RunAsync();
        File.Delete(marker);
        for (var i = 0; i < 3; i++)
        {
            await RunAsync();
        }

        var alerts = await SettledAsync(factory, id, lastRun: runs[^1]);
        Assert.Equal([runs[2], runs[8]], alerts.Select(a => a.RunId!.Value));
        Assert.All(alerts, a => Assert.Equal((NotificationKind.Streak, "3 runs in a row have failed."), (a.Kind, a.Detail)));
        Assert.Equal(2, _slack.Posts.Count);
        Assert.Equal(":x: broken keeps failing", _slack.Posts.First()["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Longer_than_usual_is_sent_once_per_run_when_an_attempt_passes_the_multiple_of_the_p95()
    {
        using var admin = Acting.AsAdmin();
        var (factory, clock, client, job, watch) = await UsuallyOneMinuteExportAsync();
        await using var stopping = factory;
        var id = job.Id!.Value;

        var runId = await client.RunJobAsync(job);
        await client.WaitForStatusAsync(runId, "Running");
        clock.Advance(TimeSpan.FromSeconds(110));
        await watch.LookAsync(CancellationToken.None);
        Assert.Empty(await NotificationsAsync(factory, id));
        clock.Advance(TimeSpan.FromSeconds(20));
        await watch.LookAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(5));
        await watch.LookAsync(CancellationToken.None);

        var alert = Assert.Single(await SettledAsync(factory, id));
        Assert.Equal((NotificationKind.LongRunning, runId, NotificationStatus.Sent), (alert.Kind, alert.RunId, alert.Status));
        Assert.Equal("Attempt 1 has run for 2 min 10 s: more than 2 × its usual 1 min 0 s (p95 of the last 5 successful attempts).", alert.Detail);
        Assert.Equal(":hourglass_flowing_sand: export is running longer than usual", Assert.Single(_slack.Posts)["text"]!.GetValue<string>());
        await client.PostAsync($"/api/runs/{runId}/cancel", null);
        await client.WaitForEndAsync(runId);
    }

    [Fact]
    public async Task An_idle_alert_watch_sleeps_and_the_next_attempt_wakes_it_to_report_a_long_run()
    {
        using var admin = Acting.AsAdmin();
        var (factory, clock, client, job, watch) = await UsuallyOneMinuteExportAsync();
        await using var stopping = factory;
        var id = job.Id!.Value;

        // Nothing queued or running and no job watched for missed fires: after a look it sleeps without end.
        var deadline = Environment.TickCount64 + 30_000;
        while (!watch.Sleeping)
        {
            Assert.True(Environment.TickCount64 < deadline, "The alert watch never went to sleep.");
            clock.Advance(TimeSpan.FromSeconds(30));
            await Task.Delay(20);
        }

        var runId = await client.RunJobAsync(job);
        await client.WaitForStatusAsync(runId, "Running");
        clock.Advance(TimeSpan.FromSeconds(130));
        deadline = Environment.TickCount64 + 30_000;
        var alerts = await NotificationsAsync(factory, id);
        while (alerts.Count == 0)
        {
            Assert.True(Environment.TickCount64 < deadline, "The alert watch did not report the long run.");
            await Task.Delay(50);
            alerts = await NotificationsAsync(factory, id);
        }

        var alert = Assert.Single(alerts);
        Assert.Equal((NotificationKind.LongRunning, runId), (alert.Kind, alert.RunId));
        Assert.StartsWith("Attempt 1 has run for 2 min 10 s", alert.Detail);
        await client.PostAsync($"/api/runs/{runId}/cancel", null);
        await client.WaitForEndAsync(runId);
    }

    [Fact]
    public async Task Did_not_run_is_sent_once_per_fire_that_produced_no_run_within_the_grace()
    {
        using var admin = Acting.AsAdmin();
        var clock = new FakeTimeProvider(Start);
        var directory = Path.Combine(Path.GetTempPath(), "etlweb-tests", Guid.NewGuid().ToString("N"));
        int id;
        await using (var before = new EtlWebFactory { DataDirectory = directory, DeleteDataDirectoryOnDispose = false, ConfigureServices = s => s.AddSingleton<TimeProvider>(clock) })
        {
            var client = await StartAsync(before);
            var job = await client.CreateJobAsync(JobsClient.ShellJob("hourly")
                .With("command", "true").With("schedule_type", "interval").With("interval_minutes", 60)
                .With("misfire_policy", "Skip").With("notify_slack", true).With("notify_missed", true));
            id = job.Id!.Value;
        }

        // EtlWeb is down across the fire due at 11:00:30 and comes back at 11:15:30; misfire Skip makes no run.
        clock.Advance(TimeSpan.FromMinutes(75));
        await using var after = new EtlWebFactory { DataDirectory = directory, ConfigureServices = s => s.AddSingleton<TimeProvider>(clock) };
        after.CreateClient().Dispose();
        var watch = after.Services.GetRequiredService<AlertWatch>();
        await watch.LookAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(1));
        await watch.LookAsync(CancellationToken.None);

        var alert = Assert.Single(await SettledAsync(after, id));
        Assert.Equal((NotificationKind.Missed, (long?)null, Start.AddMinutes(60)), (alert.Kind, alert.RunId, alert.FireTime));
        Assert.Equal("The scheduled fire due at 2026-06-01 11:00:30 UTC produced no run within 10 min.", alert.Detail);
        Assert.Equal(":calendar: hourly did not run", Assert.Single(_slack.Posts)["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Did_not_run_is_not_sent_for_a_fire_the_jobs_calendar_skipped()
    {
        var clock = new FakeTimeProvider(Start);
        await using var factory = new EtlWebFactory { ConfigureServices = s => s.AddSingleton<TimeProvider>(clock) };
        var client = await StartAsync(factory);
        var (status, _) = await client.SendJsonAsync(HttpMethod.Post, "/api/calendars", """{"name": "holidays", "days": ["2026-06-01"]}""");
        Assert.Equal(System.Net.HttpStatusCode.Created, status);
        var job = await client.CreateJobAsync(JobsClient.ShellJob("hourly")
            .With("command", "true").With("schedule_type", "interval").With("interval_minutes", 60).With("time_zone", "UTC")
            .With("calendar", "holidays").With("notify_slack", true).With("notify_missed", true));

        // The fire due at 11:00:30 is on 1 June, a calendar day: no run is made, and none was expected.
        clock.Advance(TimeSpan.FromMinutes(75));
        var watch = factory.Services.GetRequiredService<AlertWatch>();
        await watch.LookAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(1));
        await watch.LookAsync(CancellationToken.None);

        Assert.Empty(await NotificationsAsync(factory, job.Id!.Value));
        Assert.Empty(await client.RunsOfAsync(job));
    }

    /// <summary>A job told to alert at twice its usual duration, which five successful attempts put at about a minute; it runs for one.</summary>
    private async Task<(EtlWebFactory Factory, FakeTimeProvider Clock, HttpClient Client, JobDocument Job, AlertWatch Watch)> UsuallyOneMinuteExportAsync()
    {
        var clock = new FakeTimeProvider(Start);
        var factory = new EtlWebFactory { ConfigureServices = s => s.AddSingleton<TimeProvider>(clock) };
        var client = await StartAsync(factory);
        var job = await client.CreateJobAsync(JobsClient.ShellJob("export")
            .With("command", "sleep 60").With("notify_slack", true).With("notify_long_running", 2));
        await SeedSuccessfulAttemptsAsync(factory, job.Id!.Value, [50, 55, 60, 58, 52]);
        return (factory, clock, client, job, factory.Services.GetRequiredService<AlertWatch>());
    }

    private static async Task SeedSuccessfulAttemptsAsync(EtlWebFactory factory, int jobId, int[] seconds)
    {
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<EtlDbContext>>().CreateDbContextAsync();
        var start = Start.AddDays(-1);
        foreach (var duration in seconds)
        {
            start = start.AddHours(1);
            var end = start.AddSeconds(duration);
            db.Runs.Add(SeededRuns.InStatus(jobId, RunStatus.Succeeded, start, started: start, finished: end, trigger: TriggerKind.Schedule));
        }

        await db.SaveChangesAsync();
    }
}
