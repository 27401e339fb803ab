using System.Net;
using System.Net.Http.Json;
using EtlWeb.Core.Jobs;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EtlWeb.E2E;

/// <summary>The main screen: job list with search and filters, toolbar actions, the right-side tabs, live updates.</summary>
public sealed class MainScreenTests(AppFixture app) : IClassFixture<AppFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => app.ServerLog.CheckAsync();

    [Fact]
    public async Task Search_narrows_the_list_by_name_description_and_command()
    {
        await app.CreateJobAsync(new { name = "Extract orders", job_type = "shell", command = "echo extract", description = "sample" });
        await app.CreateJobAsync(new { name = "Load warehouse", job_type = "python", command = "load.py", description = "sample nightly load" });
        await app.CreateJobAsync(new { name = "Rebuild indexes", job_type = "sql", command = "psql -f reindex_orders.sql", description = "sample" });
        var page = await app.NewPageAsync();
        await AppFixture.GotoAsync(page, "/");
        await Search(page).FillAsync("sample");
        await Expect(Row(page, "Extract orders")).ToBeVisibleAsync();
        await Expect(Row(page, "Load warehouse")).ToBeVisibleAsync();
        await Expect(Row(page, "Rebuild indexes")).ToBeVisibleAsync();

        await Search(page).FillAsync("warehouse");
        await Expect(Row(page, "Extract orders")).ToBeHiddenAsync();
        await Expect(Row(page, "Load warehouse")).ToBeVisibleAsync();

        await Search(page).FillAsync("NIGHTLY");
        await Expect(Row(page, "Load warehouse")).ToBeVisibleAsync();
        await Expect(Row(page, "Rebuild indexes")).ToBeHiddenAsync();

        await Search(page).FillAsync("reindex_orders");
        await Expect(Row(page, "Rebuild indexes")).ToBeVisibleAsync();
        await Expect(Row(page, "Load warehouse")).ToBeHiddenAsync();

        await Search(page).FillAsync("no such job anywhere");
        await Expect(page.GetByTestId("jobs-no-match")).ToContainTextAsync("No job matches");
        await AppFixture.ScreenshotAsync(page, "main-screen-search-empty");
        await page.GetByTestId("jobs-no-match").GetByRole(AriaRole.Button).ClickAsync();
        await Expect(Search(page)).ToHaveValueAsync("");
        await Expect(page.GetByTestId("job-count")).ToHaveTextAsync($"{await TotalAsync()} jobs");
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task Filters_narrow_the_list_by_type_and_enabled_state()
    {
        await app.CreateJobAsync(new { name = "Filter python", job_type = "python", command = "a.py" });
        await app.CreateJobAsync(new { name = "Filter shell", job_type = "shell", command = "echo a" });
        await app.CreateJobAsync(new { name = "Filter sql off", job_type = "sql", command = "sqlite3 x.db", enabled = false });
        var page = await app.NewPageAsync();
        await AppFixture.GotoAsync(page, "/");
        await Search(page).FillAsync("Filter ");
        await Expect(Row(page, "Filter shell")).ToBeVisibleAsync();

        await ChooseAsync(page, "filter-type", "Python");
        await Expect(Row(page, "Filter python")).ToBeVisibleAsync();
        await Expect(Row(page, "Filter shell")).ToBeHiddenAsync();
        await Expect(Row(page, "Filter sql off")).ToBeHiddenAsync();

        await ChooseAsync(page, "filter-type", "Any");
        await ChooseAsync(page, "filter-enabled", "Disabled");
        await Expect(Row(page, "Filter sql off")).ToBeVisibleAsync();
        await Expect(Row(page, "Filter python")).ToBeHiddenAsync();
        await Expect(page.GetByTestId("job-count")).ToHaveTextAsync("1 of " + await TotalAsync() + " jobs");

        await ChooseAsync(page, "filter-enabled", "Any");
        await ChooseAsync(page, "filter-status", "Idle");
        await Expect(Row(page, "Filter sql off")).ToBeVisibleAsync();
        await ChooseAsync(page, "filter-status", "Succeeded");
        await Expect(Row(page, "Filter sql off")).ToBeHiddenAsync();
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task Delete_asks_first_naming_the_jobs_that_depend_on_it()
    {
        var id = await app.CreateJobAsync(new { name = "Delete upstream", job_type = "shell", command = "echo up" });
        await app.CreateJobAsync(new { name = "Delete downstream", job_type = "shell", command = "echo down", dependencies = new[] { "Delete upstream" } });
        var page = await app.NewPageAsync();
        await AppFixture.GotoAsync(page, "/");
        await Search(page).FillAsync("Delete ");
        await Row(page, "Delete upstream").ClickAsync();

        await page.GetByTestId("job-delete").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync("'Delete downstream' depends on 'Delete upstream'");
        await AppFixture.ScreenshotAsync(page, "main-screen-delete-confirmation");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(Row(page, "Delete upstream")).ToBeVisibleAsync();

        await page.GetByTestId("job-delete").ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(Row(page, "Delete upstream")).ToBeHiddenAsync();
        await Expect(page.GetByTestId("job-panel-empty")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("status-state")).ToHaveTextAsync("Deleted 'Delete upstream'.");
        using var client = app.CreateClient();
        using var response = await client.GetAsync(new Uri($"/api/jobs/{id}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task Run_now_from_the_toolbar_shows_the_run_succeeded_and_the_list_updates_live()
    {
        await app.CreateJobAsync(new { name = "Live run", job_type = "shell", command = "echo starting; sleep 2; echo finished" });
        var page = await app.NewPageAsync();
        await AppFixture.GotoAsync(page, "/");
        // Survives only if the page is never reloaded: every change below must arrive over the live circuit.
        await page.EvaluateAsync("window.__sameDocument = true");
        await Search(page).FillAsync("Live run");
        await Row(page, "Live run").ClickAsync();
        await page.GetByRole(AriaRole.Tab, new() { Name = "Recent executions" }).ClickAsync();
        await Expect(page.GetByTestId("runs-empty")).ToBeVisibleAsync();

        await page.GetByTestId("job-run").ClickAsync();
        await Expect(Row(page, "Live run").Locator("[data-status=Running]")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("status-running")).ToContainTextAsync("1 running");
        await Expect(Row(page, "Live run").Locator("[data-status=Succeeded]")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        var runs = page.GetByTestId("recent-runs");
        await Expect(runs.Locator("tbody tr").First).ToContainTextAsync("Succeeded");
        await Expect(runs.Locator("tbody tr").First).ToContainTextAsync("Manual");
        await Expect(page.GetByTestId("status-running")).ToContainTextAsync("0 running");
        Assert.True(await page.EvaluateAsync<bool>("window.__sameDocument === true"));

        await page.GetByRole(AriaRole.Tab, new() { Name = "Output log" }).ClickAsync();
        await Expect(page.GetByTestId("output-log")).ToContainTextAsync("finished", new() { Timeout = 15_000 });
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task Jobs_created_or_disabled_elsewhere_appear_without_a_reload()
    {
        var page = await app.NewPageAsync();
        await AppFixture.GotoAsync(page, "/");
        await page.EvaluateAsync("window.__sameDocument = true");
        await Search(page).FillAsync("Made by");

        var id = await app.CreateJobAsync(new { name = "Made by the API", job_type = "python", command = "x.py" });
        await Expect(Row(page, "Made by the API")).ToBeVisibleAsync();
        using var client = app.CreateClient();
        (await client.PostAsync(new Uri($"/api/jobs/{id}/disable", UriKind.Relative), null)).EnsureSuccessStatusCode();
        await Expect(Row(page, "Made by the API")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("etl-job-row-disabled"));
        Assert.True(await page.EvaluateAsync<bool>("window.__sameDocument === true"));
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task The_toolbar_disables_and_enables_the_selected_job()
    {
        await app.CreateJobAsync(new { name = "Toggle me", job_type = "shell", command = "echo t" });
        var page = await app.NewPageAsync();
        await AppFixture.GotoAsync(page, "/");
        await Search(page).FillAsync("Toggle me");
        await Row(page, "Toggle me").ClickAsync();

        await Expect(page.GetByTestId("job-toggle")).ToHaveTextAsync("Disable");
        await page.GetByTestId("job-toggle").ClickAsync();
        await Expect(page.GetByTestId("job-toggle")).ToHaveTextAsync("Enable");
        await Expect(page.GetByTestId("job-run")).ToBeDisabledAsync();
        await Expect(page.GetByTestId("job-panel-title")).ToContainTextAsync("Disabled");

        await page.GetByTestId("job-toggle").ClickAsync();
        await Expect(page.GetByTestId("job-toggle")).ToHaveTextAsync("Disable");
        await Expect(page.GetByTestId("job-run")).ToBeEnabledAsync();
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task Arrow_keys_move_the_selection_through_the_list()
    {
        foreach (var name in new[] { "Keys 1", "Keys 2", "Keys 3" })
        {
            await app.CreateJobAsync(new { name, job_type = "shell", command = "echo k" });
        }

        var page = await app.NewPageAsync();
        await AppFixture.GotoAsync(page, "/");
        await Search(page).FillAsync("Keys ");
        await Row(page, "Keys 1").ClickAsync();
        await Expect(page.GetByTestId("job-panel-title")).ToContainTextAsync("Keys 1");

        await page.Keyboard.PressAsync("ArrowDown");
        await Expect(Row(page, "Keys 2")).ToHaveAttributeAsync("aria-selected", "true");
        await Expect(Row(page, "Keys 2")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("ArrowDown");
        await Expect(page.GetByTestId("job-panel-title")).ToContainTextAsync("Keys 3");

        // The last row stays selected; up goes back.
        await page.Keyboard.PressAsync("ArrowDown");
        await Expect(Row(page, "Keys 3")).ToHaveAttributeAsync("aria-selected", "true");
        await page.Keyboard.PressAsync("ArrowUp");
        await Expect(Row(page, "Keys 2")).ToHaveAttributeAsync("aria-selected", "true");
        await Expect(Row(page, "Keys 3")).ToHaveAttributeAsync("aria-selected", "false");

        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByTestId("job-editor-title")).ToHaveTextAsync("Edit job: Keys 2");
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task Double_click_opens_the_job_in_the_editor_and_New_opens_an_empty_one()
    {
        await app.CreateJobAsync(new { name = "Open me", job_type = "shell", command = "echo o" });
        var page = await app.NewPageAsync();
        await AppFixture.GotoAsync(page, "/");
        await Search(page).FillAsync("Open me");

        await Row(page, "Open me").DblClickAsync();
        await Expect(page.GetByTestId("job-editor-title")).ToHaveTextAsync("Edit job: Open me");
        await Expect(page.GetByTestId("job-panel-title")).ToContainTextAsync("Open me");
        await page.Locator(".mud-dialog .mud-button-close").ClickAsync();
        await Expect(page.GetByTestId("job-editor")).ToHaveCountAsync(0);

        await page.GetByTestId("job-new").ClickAsync();
        await Expect(page.GetByTestId("job-editor-title")).ToHaveTextAsync("New job");
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task The_address_preselects_a_job_and_each_tab_shows_it()
    {
        await app.CreateJobAsync(new { name = "Stage customers", job_type = "shell", command = "echo stage" });
        var id = await app.CreateJobAsync(new
        {
            name = "Transform customers",
            job_type = "python",
            description = "Cleans and deduplicates the staged customer rows.",
            command = "python3 transform.py --table customers",
            schedule_type = "cron",
            cron_expression = "30 2 * * *",
            time_zone = "Europe/London",
            max_retries = 2,
            retry_delay_seconds = 30,
            timeout_seconds = 600,
            dependencies = new[] { "Stage customers" },
            environment = new Dictionary<string, string> { ["TARGET"] = "warehouse", ["TOKEN"] = "s3cret" },
            secret_environment = new[] { "TOKEN" },
        });
        await app.CreateJobAsync(new { name = "Publish report", job_type = "sql", command = "sqlite3 r.db", dependencies = new[] { "Transform customers" } });
        var page = await app.NewPageAsync();
        await AppFixture.GotoAsync(page, $"/?job={id}");

        await Expect(page.GetByTestId("job-panel-title")).ToContainTextAsync("Transform customers");
        var details = page.GetByTestId("job-details");
        await Expect(details).ToContainTextAsync("python3 transform.py --table customers");
        await Expect(details).ToContainTextAsync("Cron 30 2 * * * (Europe/London)");
        await Expect(details).ToContainTextAsync("TARGET = warehouse");
        await Expect(details).ToContainTextAsync("TOKEN = ••••••");
        await Expect(details).Not.ToContainTextAsync("s3cret");
        await AppFixture.ScreenshotAsync(page, "main-screen-1440-details");

        await page.GetByRole(AriaRole.Tab, new() { Name = "Dependencies" }).ClickAsync();
        await Expect(page.GetByTestId("upstream-jobs")).ToContainTextAsync("Stage customers");
        await Expect(page.GetByTestId("downstream-jobs")).ToContainTextAsync("Publish report");
        await AppFixture.ScreenshotAsync(page, "main-screen-1440-dependencies");
        await page.GetByTestId("dependency-Publish report").ClickAsync();
        await Expect(page.GetByTestId("job-panel-title")).ToContainTextAsync("Publish report");
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task Screens_at_laptop_size_and_in_dark_mode()
    {
        var id = await app.CreateJobAsync(new { name = "Nightly extract", job_type = "shell", command = "for i in 1 2 3; do echo \"row $i\"; done", schedule_type = "interval", interval_minutes = 60 });
        for (var i = 1; i <= 40; i++)
        {
            await app.CreateJobAsync(new { name = $"Batch step {i:00}", job_type = i % 3 == 0 ? "sql" : i % 2 == 0 ? "python" : "shell", command = $"echo step {i}", enabled = i % 7 != 0 });
        }

        using var client = app.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            using var run = await client.PostAsync(new Uri($"/api/jobs/{id}/run", UriKind.Relative), null);
            await WaitUntilIdleAsync(client, id);
        }

        var page = await app.NewPageAsync(1280, 720);
        await AppFixture.GotoAsync(page, $"/?job={id}");
        await Expect(page.GetByTestId("job-panel-title")).ToContainTextAsync("Nightly extract");
        await AppFixture.ScreenshotAsync(page, "main-screen-1280-details");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Recent executions" }).ClickAsync();
        // The chart draws once it has measured its box.
        await Expect(page.GetByTestId("duration-trend").Locator("svg text").GetByText("#3")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("recent-runs").Locator("tbody tr")).ToHaveCountAsync(3);
        await AppFixture.ScreenshotAsync(page, "main-screen-1280-executions");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Output log" }).ClickAsync();
        await Expect(page.GetByTestId("output-log")).ToContainTextAsync("row 3", new() { Timeout = 15_000 });
        await AppFixture.ScreenshotAsync(page, "main-screen-1280-log");

        Assert.False(await IsDarkAsync(page));
        await page.GetByTestId("dark-toggle").ClickAsync();
        await page.WaitForFunctionAsync(DarkBackground);
        await page.GetByRole(AriaRole.Tab, new() { Name = "Recent executions" }).ClickAsync();
        await Expect(page.GetByTestId("duration-trend").Locator("svg text").GetByText("#3")).ToBeVisibleAsync();
        await AppFixture.ScreenshotAsync(page, "main-screen-1280-dark");

        // The choice is remembered by this browser.
        await AppFixture.GotoAsync(page, "/runs");
        await page.WaitForFunctionAsync(DarkBackground);
        await AppFixture.ScreenshotAsync(page, "runs-page-dark");
        await page.Context.DisposeAsync();
    }

    private const string DarkBackground =
        "() => { const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/\\d+/g).map(Number); return r + g + b < 300; }";

    private static Task<bool> IsDarkAsync(IPage page) => page.EvaluateAsync<bool>(DarkBackground);

    private static ILocator Row(IPage page, string name) => page.GetByTestId($"job-row-{name}");

    private static ILocator Search(IPage page) => page.GetByPlaceholder("Search name, description, command");

    /// <summary>Opens a MudSelect by its test id and picks an option by its text.</summary>
    private static async Task ChooseAsync(IPage page, string testId, string option)
    {
        await page.GetByTestId(testId).ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").GetByText(option, new() { Exact = true }).ClickAsync();
        await Expect(page.Locator(".mud-popover-open .mud-list-item")).ToHaveCountAsync(0);
    }

    private async Task<int> TotalAsync()
    {
        using var client = app.CreateClient();
        var jobs = await client.GetFromJsonAsync<List<JobDocument>>(new Uri("/api/jobs", UriKind.Relative));
        return jobs!.Count;
    }

    private static async Task WaitUntilIdleAsync(HttpClient client, int jobId)
    {
        for (var i = 0; i < 300; i++)
        {
            var job = await client.GetFromJsonAsync<JobDocument>(new Uri($"/api/jobs/{jobId}", UriKind.Relative));
            if (job!.Status is "Succeeded" or "Failed")
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"Job {jobId} did not finish its run.");
    }
}
