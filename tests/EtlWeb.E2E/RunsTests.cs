using System.Net.Http.Json;
using System.Text.Json;
using EtlWeb.Features.Runs;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EtlWeb.E2E;

/// <summary>The global Runs page: history with filters and paging, opening a run, cancel and re-run.</summary>
public sealed class RunsTests(AppFixture app) : IClassFixture<AppFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => app.ServerLog.CheckAsync();

    [Fact]
    public async Task The_runs_page_lists_every_run_filters_by_job_and_status_and_opens_a_run()
    {
        var good = await app.CreateJobAsync(new { name = "Runs good", job_type = "shell", command = "echo fine" });
        var bad = await app.CreateJobAsync(new { name = "Runs bad", job_type = "shell", command = "echo broken >&2; exit 3" });
        using var client = app.CreateClient();
        var goodRun = await RunAndWaitAsync(client, good);
        var badRun = await RunAndWaitAsync(client, bad);
        var page = await app.NewPageAsync();
        await AppFixture.GotoAsync(page, "/runs");

        var table = page.GetByTestId("runs-table");
        await Expect(RunRow(page, badRun)).ToContainTextAsync("Failed");
        await Expect(RunRow(page, badRun)).ToContainTextAsync("Runs bad");
        await Expect(RunRow(page, goodRun)).ToContainTextAsync("Succeeded");
        await AppFixture.ScreenshotAsync(page, "runs-page-1440");

        await page.GetByTestId("runs-filter-status").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").GetByText("Failed", new() { Exact = true }).ClickAsync();
        await Expect(RunRow(page, goodRun)).ToHaveCountAsync(0);
        await Expect(RunRow(page, badRun)).ToBeVisibleAsync();
        await Expect(table.Locator("tbody tr").Filter(new() { HasNotText = "Failed" })).ToHaveCountAsync(0);

        await AppFixture.GotoAsync(page, $"/runs?job={good}");
        await Expect(RunRow(page, goodRun)).ToBeVisibleAsync();
        await Expect(RunRow(page, badRun)).ToHaveCountAsync(0);

        await RunRow(page, goodRun).Locator("td").Nth(3).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/runs/{goodRun}$"));
        await Expect(page.GetByText("Runs good").First).ToBeVisibleAsync();
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task A_running_run_can_be_cancelled_and_a_failed_run_re_run_from_the_history()
    {
        var slow = await app.CreateJobAsync(new { name = "Runs slow", job_type = "shell", command = "sleep 60" });
        var flaky = await app.CreateJobAsync(new { name = "Runs flaky", job_type = "shell", command = "exit 1" });
        using var client = app.CreateClient();
        var failed = await RunAndWaitAsync(client, flaky);
        var running = await StartAsync(client, slow);
        await WaitForStatusAsync(client, running, "Running");
        var page = await app.NewPageAsync();
        await AppFixture.GotoAsync(page, "/runs");

        await Expect(RunRow(page, running)).ToContainTextAsync("Running");
        await Expect(page.GetByTestId($"run-rerun-{running}")).ToHaveCountAsync(0);
        await page.GetByTestId($"run-cancel-{running}").ClickAsync();
        await Expect(RunRow(page, running)).ToContainTextAsync("Cancelled", new() { Timeout = 20_000 });
        await Expect(page.GetByTestId($"run-cancel-{running}")).ToHaveCountAsync(0);

        await page.GetByTestId($"run-rerun-{failed}").ClickAsync();
        await Expect(page.GetByTestId("status-state")).ToContainTextAsync("Re-running 1 run");
        // The new run of the flaky job appears on top without reloading the page.
        await Expect(page.GetByTestId("runs-table").Locator("tbody tr").First).ToContainTextAsync("Runs flaky");
        Assert.Equal("Cancelled", (await RunAsync(client, running)).Status);
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task The_folder_filter_lists_only_the_runs_of_that_folder_and_stays_in_the_url()
    {
        var finance = await app.CreateJobAsync(new { name = "Runs folder ledger", job_type = "shell", command = "echo hi", folder = "runfin/daily" });
        var ops = await app.CreateJobAsync(new { name = "Runs folder backup", job_type = "shell", command = "echo hi", folder = "runops" });
        using var client = app.CreateClient();
        var financeRun = await RunAndWaitAsync(client, finance);
        var opsRun = await RunAndWaitAsync(client, ops);
        var page = await app.NewPageAsync();
        await AppFixture.GotoAsync(page, "/runs?folder=runfin");

        await Expect(RunRow(page, financeRun)).ToBeVisibleAsync();
        await Expect(RunRow(page, opsRun)).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("runs-table").Locator("tbody tr").Filter(new() { HasNotText = "Runs folder ledger" })).ToHaveCountAsync(0);
        await AppFixture.ScreenshotAsync(page, "runs-folder-filter");

        await page.GetByTestId("runs-filter-folder").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").GetByText("runops", new() { Exact = true }).ClickAsync();
        await Expect(RunRow(page, opsRun)).ToBeVisibleAsync();
        await Expect(RunRow(page, financeRun)).ToHaveCountAsync(0);
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/runs\\?folder=runops$"));

        await page.GetByTestId("runs-filter-folder").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").GetByText("All folders", new() { Exact = true }).ClickAsync();
        await Expect(RunRow(page, opsRun)).ToBeVisibleAsync();
        await Expect(RunRow(page, financeRun)).ToBeVisibleAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/runs$"));
        await page.Context.DisposeAsync();
    }

    private static ILocator RunRow(IPage page, long runId) =>
        page.GetByTestId("runs-table").Locator("tbody tr").Filter(new() { Has = page.GetByRole(AriaRole.Link, new() { Name = $"#{runId}", Exact = true }) });

    private static async Task<long> StartAsync(HttpClient client, int jobId)
    {
        using var response = await client.PostAsync(new Uri($"/api/jobs/{jobId}/run", UriKind.Relative), null);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("run_id").GetInt64();
    }

    private static async Task<long> RunAndWaitAsync(HttpClient client, int jobId)
    {
        var runId = await StartAsync(client, jobId);
        await WaitForStatusAsync(client, runId, "Succeeded", "Failed");
        return runId;
    }

    private static async Task WaitForStatusAsync(HttpClient client, long runId, params string[] statuses)
    {
        for (var i = 0; i < 600; i++)
        {
            var status = (await RunAsync(client, runId)).Status;
            if (Array.IndexOf(statuses, status) >= 0)
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"Run {runId} never reached {string.Join(" or ", statuses)}.");
    }

    private static async Task<RunDocument> RunAsync(HttpClient client, long runId) =>
        (await client.GetFromJsonAsync<RunDocument>(new Uri($"/api/runs/{runId}", UriKind.Relative)))!;
}
