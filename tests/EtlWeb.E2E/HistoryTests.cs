using System.Net.Http.Json;
using EtlWeb.Core.Jobs;
using EtlWeb.Core.Runs;
using EtlWeb.Data;
using EtlWeb.Features.Runs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EtlWeb.E2E;

/// <summary>History that explains itself: a job's revisions with diff and restore, two runs compared, and the fire timeline.</summary>
public sealed class HistoryTests(AppFixture app) : IClassFixture<AppFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => app.ServerLog.CheckAsync();

    [Fact]
    public async Task The_history_tab_shows_what_an_edit_changed_and_restores_an_old_revision()
    {
        var id = await app.CreateJobAsync(new { name = "History export", job_type = "shell", command = "echo v1" });
        await EditAsync(id, new { name = "History export", job_type = "shell", command = "echo v2", timeout_seconds = 90 });
        var page = await app.NewPageAsync();
        await AppFixture.GotoAsync(page, $"/?job={id}&tab=history");

        await Expect(page.GetByTestId("revision-2")).ToContainTextAsync("command, timeout_seconds");
        var diff = page.GetByTestId("revision-diff");
        await Expect(diff.GetByTestId("diff-command")).ToContainTextAsync("echo v1");
        await Expect(diff.GetByTestId("diff-command")).ToContainTextAsync("echo v2");
        await Expect(diff.GetByTestId("diff-timeout_seconds")).ToContainTextAsync("90");
        await AppFixture.ScreenshotAsync(page, "job-history-1440");

        await page.GetByTestId("revision-1").ClickAsync();
        await page.GetByTestId("restore-revision").ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Restore" }).ClickAsync();

        await Expect(page.GetByTestId("revision-3")).ToBeVisibleAsync();
        await Expect(diff.GetByTestId("diff-command")).ToContainTextAsync("echo v1");
        using var client = app.CreateClient();
        var job = await client.GetFromJsonAsync<JobDocument>(new Uri($"/api/jobs/{id}", UriKind.Relative));
        Assert.Equal(("echo v1", 0), (job!.Command, job.TimeoutSeconds));
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task The_run_page_compares_a_failed_run_with_the_last_success_by_changed_field_and_first_diverging_line()
    {
        var id = await app.CreateJobAsync(new { name = "History report", job_type = "shell", command = "printf 'start\\nrows=10\\nend\\n'" });
        var good = await RunAndWaitAsync(id);
        await EditAsync(id, new { name = "History report", job_type = "shell", command = "printf 'start\\nrows=0\\nend\\n'; exit 4" });
        var bad = await RunAndWaitAsync(id);
        var page = await app.NewPageAsync();
        await AppFixture.GotoAsync(page, $"/runs/{bad}");

        await Expect(page.GetByTestId("run-revision")).ToHaveTextAsync("#2");
        await page.GetByTestId("run-compare").ClickAsync();
        var dialog = page.GetByTestId("compare-dialog");
        await Expect(dialog).ToContainTextAsync($"#{good}");
        await Expect(dialog.GetByTestId("compare-definition").GetByTestId("compare-command")).ToContainTextAsync("exit 4");
        await Expect(dialog.GetByTestId("compare-Exit code")).ToContainTextAsync("4");
        await Expect(dialog.GetByTestId("compare-log-old")).ToContainTextAsync("rows=10");
        await Expect(dialog.GetByTestId("compare-log-new")).ToContainTextAsync("rows=0");
        await AppFixture.ScreenshotAsync(page, "run-compare-1440");
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task The_fire_timeline_shows_a_night_the_schedule_did_not_run()
    {
        var id = await app.CreateJobAsync(new { name = "History nightly", job_type = "shell", command = "echo nightly", schedule_type = "cron", cron_expression = "0 2 * * *", time_zone = "UTC" });
        var today = TimeProvider.System.GetUtcNow().UtcDateTime.Date;
        var missed = new DateTimeOffset(today.AddDays(-3).AddHours(2), TimeSpan.Zero);
        await SeedNightsAsync(id, new DateTimeOffset(today.AddDays(-6), TimeSpan.Zero), missed);
        var page = await app.NewPageAsync();
        await AppFixture.GotoAsync(page, $"/?job={id}&tab=fires");

        var night = page.GetByTestId($"fire-day-{missed:yyyy-MM-dd}").Locator(".etl-fire-cell").Nth(2);
        await Expect(night).ToHaveAttributeAsync("data-look", "Missed");
        await Expect(page.GetByTestId($"fire-day-{missed.AddDays(-1):yyyy-MM-dd}").Locator(".etl-fire-cell").Nth(2)).ToHaveAttributeAsync("data-look", "Ran");
        await Expect(page.GetByTestId("fires-summary")).ToContainTextAsync("1 down");
        await night.ClickAsync();
        await Expect(page.GetByTestId("fire-details")).ToContainTextAsync("EtlWeb was not running");
        await AppFixture.ScreenshotAsync(page, "job-fires-1440");
        await page.Context.DisposeAsync();
    }

    /// <summary>Makes the job six days old and gives it a succeeded scheduled run each night at 02:00 except <paramref name="missed"/>.</summary>
    private async Task SeedNightsAsync(int jobId, DateTimeOffset since, DateTimeOffset missed)
    {
        var options = new DbContextOptionsBuilder<EtlDbContext>().UseSqlite($"Data Source={Path.Combine(app.DataDirectory, "etlweb.db")}").Options;
        await using var db = new EtlDbContext(options);
        await db.Jobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(u => u.SetProperty(j => j.CreatedAt, since));
        await db.JobRevisions.Where(r => r.JobId == jobId).ExecuteUpdateAsync(u => u.SetProperty(r => r.At, since));
        await db.ScheduleStates.Where(s => s.JobId == jobId).ExecuteUpdateAsync(u => u.SetProperty(s => s.Anchor, since));
        for (var due = since.AddHours(2); due < TimeProvider.System.GetUtcNow(); due = due.AddDays(1))
        {
            if (due == missed)
            {
                continue;
            }

            var run = Run.Create(jobId, TriggerKind.Schedule, "{}", Guid.NewGuid(), due, due);
            var attempt = run.Queue("seeded")!;
            run.Claim(attempt, "seed", due);
            run.Settle(attempt, new AttemptOutcome(AttemptStatus.Succeeded, 0, "exit code 0"), null, new Job(), "seeded-retry", due.AddSeconds(3));
            db.Runs.Add(run);
        }

        await db.SaveChangesAsync();
    }

    private async Task EditAsync(int id, object document)
    {
        using var client = app.CreateClient();
        using var response = await client.PutAsJsonAsync(new Uri($"/api/jobs/{id}", UriKind.Relative), document);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<long> RunAndWaitAsync(int jobId)
    {
        var runId = await app.RunJobAsync(jobId);
        using var client = app.CreateClient();
        for (var i = 0; i < 600; i++)
        {
            var run = await client.GetFromJsonAsync<RunDocument>(new Uri($"/api/runs/{runId}", UriKind.Relative));
            if (run!.FinishedAt is not null)
            {
                return runId;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"Run {runId} did not end.");
        return runId;
    }
}
