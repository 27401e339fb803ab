using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using EtlWeb.Features.Runs;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EtlWeb.E2E;

/// <summary>The live dashboard with runs going, a failure and a cron schedule, seen from a browser in America/St_Johns (a half-hour offset).</summary>
public sealed class DashboardTests(AppFixture app) : IClassFixture<AppFixture>, IAsyncLifetime
{
    private static readonly TimeZoneInfo StJohns = TimeZoneInfo.FindSystemTimeZoneById("America/St_Johns");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => app.ServerLog.CheckAsync();

    [Fact]
    public async Task The_dashboard_shows_running_runs_failures_and_the_next_fires_and_follows_the_runs_live()
    {
        using var client = app.CreateClient();
        var extract = await app.CreateJobAsync(new { name = "Extract orders", job_type = "shell", command = "sleep 2" });
        var sleeper = await app.CreateJobAsync(new { name = "Long sleep", job_type = "shell", command = "sleep 120" });
        var broken = await app.CreateJobAsync(new { name = "Broken export", job_type = "shell", command = "echo 'disk full' >&2; exit 3" });
        // Hourly, half an hour away from now: a fire during the test would add a run to the figures asserted below.
        var hourly = HourlyAwayFromNow();
        await app.CreateJobAsync(new { name = "Hourly report", job_type = "shell", command = "echo report", schedule_type = "cron", cron_expression = $"{hourly.Minute} * * * *", time_zone = "UTC" });
        await WaitForStatusAsync(client, await StartAsync(client, extract), "Succeeded");
        await WaitForStatusAsync(client, await StartAsync(client, broken), "Failed");
        // Now much slower than its one successful run of about 2 s: its bar runs over.
        await PutAsync(client, extract, new { name = "Extract orders", job_type = "shell", command = "sleep 120" });
        var extractRun = await StartAsync(client, extract);
        var sleeperRun = await StartAsync(client, sleeper);
        try
        {
            await WaitForStatusAsync(client, extractRun, "Running");
            await WaitForStatusAsync(client, sleeperRun, "Running");
            var page = await NewPageAsync(1440, 900);
            await AppFixture.GotoAsync(page, "/dashboard");

            var running = page.GetByTestId("running-run");
            await Expect(page.GetByText("Times in America/St_Johns")).ToBeVisibleAsync();
            await Expect(running.Filter(new() { HasText = "Long sleep" })).ToContainTextAsync("no history");
            await Expect(running.Filter(new() { HasText = "Extract orders" })).ToContainTextAsync("over its typical");
            var attention = page.GetByTestId("attention-item").Filter(new() { HasText = "Broken export" });
            await Expect(attention).ToContainTextAsync("Failed");
            await Expect(attention).ToContainTextAsync("exit code 3");
            await Expect(attention.GetByRole(AriaRole.Link, new() { Name = "Broken export" })).ToHaveAttributeAsync("href", $"/?job={broken}");
            var fire = page.GetByTestId("upcoming-fire").Filter(new() { HasText = "Hourly report" });
            await Expect(fire).ToContainTextAsync(TimeZoneInfo.ConvertTime(hourly, StJohns).ToString("HH:mm", CultureInfo.InvariantCulture));
            await Expect(fire).ToContainTextAsync("then 23 more in 24 h");
            await Expect(page.GetByTestId("stat-running-value")).ToHaveTextAsync("2");
            await Expect(page.GetByTestId("stat-today-value")).ToHaveTextAsync("4");
            await Expect(page.GetByTestId("stat-success-value")).ToHaveTextAsync("50%");
            await Expect(page.GetByTestId("runs-per-hour").Locator("svg").First).ToBeVisibleAsync();
            var elapsed = await running.Filter(new() { HasText = "Long sleep" }).GetByTestId("running-elapsed").InnerTextAsync();
            await Expect(running.Filter(new() { HasText = "Long sleep" }).GetByTestId("running-elapsed")).Not.ToHaveTextAsync(elapsed);
            await AppFixture.ScreenshotAsync(page, "dashboard-1440x900");
            var small = await NewPageAsync(1280, 720);
            await AppFixture.GotoAsync(small, "/dashboard");
            await Expect(small.GetByTestId("running-run")).ToHaveCountAsync(2);
            await AppFixture.ScreenshotAsync(small, "dashboard-1280x720");
            await small.Context.DisposeAsync();

            await CancelAsync(client, sleeperRun);

            // Live: the cancelled run leaves the card without a reload.
            await Expect(running.Filter(new() { HasText = "Long sleep" })).ToHaveCountAsync(0, new() { Timeout = 20_000 });
            await Expect(page.GetByTestId("stat-running-value")).ToHaveTextAsync("1");
            await page.Context.DisposeAsync();
        }
        finally
        {
            await CancelAsync(client, sleeperRun);
            await CancelAsync(client, extractRun);
        }
    }

    [Fact]
    public async Task The_folder_filter_counts_only_the_runs_of_that_folder_and_stays_in_the_url()
    {
        using var client = app.CreateClient();
        var ledger = await app.CreateJobAsync(new { name = "Dash ledger", job_type = "shell", command = "echo ok", folder = "dashfin" });
        var close = await app.CreateJobAsync(new { name = "Dash close", job_type = "shell", command = "exit 2", folder = "dashfin/monthly" });
        var backup = await app.CreateJobAsync(new { name = "Dash backup", job_type = "shell", command = "exit 4", folder = "dashops" });
        await WaitForStatusAsync(client, await StartAsync(client, ledger), "Succeeded");
        await WaitForStatusAsync(client, await StartAsync(client, close), "Failed");
        await WaitForStatusAsync(client, await StartAsync(client, backup), "Failed");
        var page = await NewPageAsync(1440, 900);
        await AppFixture.GotoAsync(page, "/dashboard?folder=dashfin");

        await Expect(page.GetByTestId("stat-today-value")).ToHaveTextAsync("2");
        await Expect(page.GetByTestId("stat-success-value")).ToHaveTextAsync("50%");
        await Expect(page.GetByTestId("stat-attention-value")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("attention-item").Filter(new() { HasText = "Dash close" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("attention-item").Filter(new() { HasText = "Dash backup" })).ToHaveCountAsync(0);
        await AppFixture.ScreenshotAsync(page, "dashboard-folder-filter");

        // The server's first render already holds the figures: the live page takes them over instead of reading again.
        var prerendered = await (await page.APIRequest.GetAsync("/dashboard?folder=dashfin")).TextAsync();
        Assert.Matches("data-testid=\"stat-attention-value\"[^>]*>\\s*1\\s*<", prerendered);

        await page.GetByTestId("dashboard-folder").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").GetByText("dashops", new() { Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/dashboard\\?folder=dashops$"));
        await Expect(page.GetByTestId("stat-today-value")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("stat-success-value")).ToHaveTextAsync("0%");
        await Expect(page.GetByTestId("attention-item").Filter(new() { HasText = "Dash backup" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("attention-item").Filter(new() { HasText = "Dash close" })).ToHaveCountAsync(0);
        await page.Context.DisposeAsync();
    }

    /// <summary>The cron job fires at the top of each UTC hour: in St. John's that reads HH:30, today or tomorrow.</summary>
    /// <summary>The next fire of an hourly schedule whose minute is half an hour from now's.</summary>
    private static DateTimeOffset HourlyAwayFromNow()
    {
        var now = TimeProvider.System.GetUtcNow();
        var fire = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, (now.Minute + 30) % 60, 0, TimeSpan.Zero);
        return fire > now ? fire : fire.AddHours(1);
    }

    private async Task<IPage> NewPageAsync(int width, int height)
    {
        var context = await app.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            StorageState = app.AdminSession,
            BaseURL = app.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            TimezoneId = "America/St_Johns",
        });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    private static async Task<long> StartAsync(HttpClient client, int jobId)
    {
        using var response = await client.PostAsync(new Uri($"/api/jobs/{jobId}/run", UriKind.Relative), null);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("run_id").GetInt64();
    }

    private static async Task PutAsync(HttpClient client, int jobId, object document)
    {
        using var response = await client.PutAsJsonAsync(new Uri($"/api/jobs/{jobId}", UriKind.Relative), document);
        response.EnsureSuccessStatusCode();
    }

    private static async Task CancelAsync(HttpClient client, long runId)
    {
        using var response = await client.PostAsync(new Uri($"/api/runs/{runId}/cancel", UriKind.Relative), null);
    }

    private static async Task WaitForStatusAsync(HttpClient client, long runId, string status)
    {
        for (var i = 0; i < 600; i++)
        {
            var run = await client.GetFromJsonAsync<RunDocument>(new Uri($"/api/runs/{runId}", UriKind.Relative));
            if (run!.Status == status)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Run {runId} did not reach {status}.");
    }
}
