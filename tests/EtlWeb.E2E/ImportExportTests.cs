using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using EtlWeb.Core.Jobs;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EtlWeb.E2E;

/// <summary>Import (choose a file, read the dry-run report, confirm) and export from the File menu.</summary>
public sealed class ImportExportTests(AppFixture app) : IClassFixture<AppFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => app.ServerLog.CheckAsync();

    [Fact]
    public async Task Import_of_a_file_with_a_cycle_shows_the_error_and_creates_nothing()
    {
        var page = await app.NewPageAsync();
        await AppFixture.GotoAsync(page, "/");
        await OpenImportAsync(page);

        await ChooseFileAsync(page, "cycle.json", """
            [
              { "name": "Cycle A", "job_type": "shell", "command": "echo a", "dependencies": ["Cycle B"] },
              { "name": "Cycle B", "job_type": "shell", "command": "echo b", "dependencies": ["Cycle A"] },
              { "name": "Cycle fine", "job_type": "shell", "command": "echo fine", "created_at": "2025-10-20 09:12:44", "last_run": null }
            ]
            """);

        var report = page.GetByTestId("import-report");
        await Expect(page.GetByTestId("import-has-errors")).ToContainTextAsync("nothing will be imported");
        await Expect(page.GetByTestId("import-ignored")).ToContainTextAsync("Ignored (no EtlWeb field):");
        await Expect(page.GetByTestId("import-ignored").Locator("code")).ToHaveTextAsync(["created_at", "last_run"]);
        await Expect(report).ToContainTextAsync("cycle");
        await Expect(report).ToContainTextAsync("Cycle A");
        await Expect(page.GetByTestId("import-confirm")).ToBeDisabledAsync();
        await AppFixture.ScreenshotAsync(page, "import-report-cycle");

        await page.GetByTestId("import-cancel").ClickAsync();
        await Expect(page.GetByTestId("import-report")).ToBeHiddenAsync();
        foreach (var name in new[] { "Cycle A", "Cycle B", "Cycle fine" })
        {
            await Expect(page.GetByTestId($"job-row-{name}")).ToHaveCountAsync(0);
        }

        Assert.DoesNotContain(await JobNamesAsync(), n => n.StartsWith("Cycle", StringComparison.Ordinal));
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task Import_shows_the_dry_run_report_then_creates_and_updates_on_confirm()
    {
        await app.CreateJobAsync(new { name = "Import existing", job_type = "shell", command = "echo old" });
        await app.CreateJobAsync(new { name = "Import same", job_type = "shell", command = "echo same" });
        var page = await app.NewPageAsync();
        await AppFixture.GotoAsync(page, "/");
        await OpenImportAsync(page);

        await ChooseFileAsync(page, "jobs.json", """
            [
              { "name": "Import existing", "job_type": "shell", "command": "echo new" },
              { "name": "Import same", "job_type": "shell", "command": "echo same" },
              { "name": "Import fresh", "job_type": "python", "command": "fresh.py", "dependencies": ["Import existing"] }
            ]
            """);

        await Expect(page.GetByTestId("import-ready")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("import-summary")).ToContainTextAsync("1 to create");
        await Expect(page.GetByTestId("import-summary")).ToContainTextAsync("1 to update");
        await Expect(page.GetByTestId("import-summary")).ToContainTextAsync("1 unchanged");
        await Expect(page.GetByTestId("import-confirm")).ToHaveTextAsync("Import 2 jobs");
        Assert.DoesNotContain("Import fresh", await JobNamesAsync());
        await AppFixture.ScreenshotAsync(page, "import-report-ready");

        await page.GetByTestId("import-confirm").ClickAsync();
        await Expect(page.GetByTestId("import-report")).ToBeHiddenAsync();
        await Expect(page.GetByTestId("job-row-Import fresh")).ToBeVisibleAsync();
        Assert.Contains("Import fresh", await JobNamesAsync());
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task The_desktop_database_imports_with_its_history_and_its_executions_open_as_in_the_desktop_tool()
    {
        var page = await app.NewPageAsync(1440, 900);
        await AppFixture.GotoAsync(page, "/");
        await OpenImportAsync(page);

        var input = page.GetByRole(AriaRole.Dialog).Locator("input[type=file]");
        await Expect(input).ToHaveJSPropertyAsync("_blazorInputFileNextFileId", 0);
        await input.SetInputFilesAsync(Path.Combine(AppFixture.RepositoryRoot, "tests", "fixtures", "desktop", "etl_scheduler.db"));
        await Expect(page.GetByTestId("import-ready")).ToBeVisibleAsync();

        var zone = page.GetByLabel("The desktop tool's clock ran in");
        await zone.FillAsync("Europe/Berl");
        await page.GetByRole(AriaRole.Option, new() { Name = "Europe/Berlin" }).ClickAsync();
        await Expect(page.GetByTestId("import-history")).ToContainTextAsync("times read in Europe/Berlin");
        await Expect(page.GetByTestId("import-history")).ToContainTextAsync("Extract Sales 50, Transform Sales 50");
        await Expect(page.GetByTestId("import-history")).ToContainTextAsync("2 executions of jobs deleted in the desktop tool are left out");
        await Expect(page.GetByTestId("import-history-runs")).ToHaveTextAsync("100 runs of history");
        await Expect(page.GetByTestId("import-ignored-columns")).ToContainTextAsync("created_at");
        await Expect(page.GetByTestId("import-retention")).ToContainTextAsync("100 runs ended more than 30 days ago");
        await Expect(page.GetByTestId("import-confirm")).ToHaveTextAsync("Import 4 jobs and 100 runs");
        await AppFixture.ScreenshotAsync(page, "import-desktop-database");

        await page.GetByTestId("import-confirm").ClickAsync();
        await Expect(page.GetByTestId("import-report")).ToBeHiddenAsync();
        await page.GetByTestId("job-row-Extract Sales").ClickAsync();
        await page.GetByRole(AriaRole.Tab, new() { Name = "Recent executions" }).ClickAsync();
        var rows = page.GetByTestId("recent-runs").Locator("tbody tr");
        await Expect(rows).ToHaveCountAsync(50);
        var failed = rows.Filter(new() { Has = page.Locator("[data-status=Failed]") }).First;
        await Expect(failed.GetByTestId("run-exit")).ToHaveTextAsync("2");
        await Expect(failed).ToContainTextAsync("Imported");
        await Expect(rows.First.GetByTestId("run-ended")).Not.ToHaveTextAsync("-");
        await AppFixture.ScreenshotAsync(page, "recent-executions-imported");

        await failed.Locator("td").Nth(1).ClickAsync();
        await Expect(failed).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("etl-row-selected"));
        Assert.EndsWith("/", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
        await OpenByDoubleClickAsync(page, failed.Locator("td").Nth(1));
        await Expect(page.GetByTestId("run-reason")).ToContainTextAsync("Desktop tool execution");
        await Expect(page.GetByTestId("log-viewer")).ToContainTextAsync("ConnectionError: crm unreachable", new() { Timeout = 15_000 });
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task A_file_that_is_not_json_is_explained()
    {
        var page = await app.NewPageAsync();
        await AppFixture.GotoAsync(page, "/");
        await OpenImportAsync(page);

        await ChooseFileAsync(page, "notes.json", "this is not json");

        await Expect(page.GetByTestId("import-file-error")).ToContainTextAsync("not valid JSON");
        await Expect(page.GetByTestId("import-confirm")).ToBeDisabledAsync();
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task Export_downloads_the_jobs()
    {
        await app.CreateJobAsync(new { name = "Export me", job_type = "python", command = "export.py", environment = new Dictionary<string, string> { ["KEY"] = "v", ["SECRET"] = "hidden" }, secret_environment = new[] { "SECRET" } });
        var page = await app.NewPageAsync();
        await AppFixture.GotoAsync(page, "/");

        await page.GetByTestId("menu-file").ClickAsync();
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("menu-export").ClickAsync());

        Assert.Equal("etlweb-jobs.json", download.SuggestedFilename);
        var path = await download.PathAsync();
        using var file = JsonDocument.Parse(await File.ReadAllTextAsync(path));
        var job = file.RootElement.EnumerateArray().Single(j => j.GetProperty("name").GetString() == "Export me");
        Assert.Equal("export.py", job.GetProperty("command").GetString());
        Assert.DoesNotContain("hidden", file.RootElement.GetRawText(), StringComparison.Ordinal);
        await Expect(page.GetByTestId("job-row-Export me")).ToBeVisibleAsync();
        await page.Context.DisposeAsync();
    }

    private static async Task OpenImportAsync(IPage page)
    {
        await page.GetByTestId("menu-file").ClickAsync();
        await page.GetByTestId("menu-import").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog)).ToContainTextAsync("Import jobs");
    }

    private static async Task ChooseFileAsync(IPage page, string name, string content)
    {
        var input = page.GetByRole(AriaRole.Dialog).Locator("input[type=file]");
        // Blazor reads a chosen file only once its script has taken over the input (it sets this field then).
        await Expect(input).ToHaveJSPropertyAsync("_blazorInputFileNextFileId", 0);
        await input.SetInputFilesAsync(new FilePayload { Name = name, MimeType = "application/json", Buffer = Encoding.UTF8.GetBytes(content) });
        await Expect(page.GetByTestId("import-file-name")).ToHaveTextAsync(name);
    }

    private async Task<List<string>> JobNamesAsync()
    {
        using var client = app.CreateClient();
        var jobs = await client.GetFromJsonAsync<List<JobDocument>>(new Uri("/api/jobs", UriKind.Relative));
        Assert.NotNull(jobs);
        return [.. jobs.Select(j => j.Name!)];
    }

    /// <summary>
    /// Double-clicks an execution until its run page opens: a live refresh of the list (the imported runs' events) that
    /// redraws the row between the two clicks makes the browser count the second click as a first one, as it would for a
    /// person, who would double-click again.
    /// </summary>
    private static async Task OpenByDoubleClickAsync(IPage page, ILocator cell)
    {
        for (var attempt = 1; ; attempt++)
        {
            // A run page that opened after the last wait gave up (a slow machine) is open: nothing to double-click.
            if (new Uri(page.Url).AbsolutePath.StartsWith("/runs/", StringComparison.Ordinal))
            {
                return;
            }

            await cell.DblClickAsync();
            try
            {
                await page.WaitForURLAsync("**/runs/*", new() { Timeout = attempt < 3 ? 5_000 : 15_000 });
                return;
            }
            catch (TimeoutException) when (attempt < 3)
            {
                // The row was redrawn mid double-click: the run page did not open, so double-click it again.
            }
        }
    }
}
