using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EtlWeb.E2E;

/// <summary>The Connections page (add, test) and an SQL job that uses a connection, run from the main screen.</summary>
public sealed class ConnectionsTests(AppFixture app) : IClassFixture<AppFixture>, IAsyncLifetime
{
    private readonly string _database = Path.Combine(Path.GetTempPath(), $"etlweb-e2e-shop-{Guid.NewGuid():N}.db");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        File.Delete(_database);
        await app.ServerLog.CheckAsync();
    }

    [Fact]
    public async Task A_connection_added_and_tested_on_its_page_runs_an_sql_jobs_query_whose_rows_show_in_the_log()
    {
        var page = await app.NewPageAsync();
        await AppFixture.GotoAsync(page, "/connections");
        await Expect(page.GetByTestId("connections-empty")).ToBeVisibleAsync();
        await page.GetByTestId("connection-add").ClickAsync();
        var dialog = page.GetByTestId("connection-dialog");
        await dialog.GetByLabel("Name").FillAsync("shop");
        await page.GetByTestId("connection-kind").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "SQLite (sqlite3)" }).ClickAsync();
        await dialog.GetByLabel("Database file").FillAsync(_database);
        await AppFixture.ScreenshotAsync(page, "connection-dialog");
        await page.GetByTestId("connection-save").ClickAsync();

        var row = page.GetByTestId("connection-shop");
        await Expect(row).ToContainTextAsync("sqlite");
        await Expect(row).ToContainTextAsync(_database);
        await page.GetByTestId("connection-test-shop").ClickAsync();
        await Expect(page.GetByTestId("connection-test-outcome")).ToContainTextAsync("shop: test passed. sqlite3 connected and ran SELECT 1.");
        await AppFixture.ScreenshotAsync(page, "connections-page");

        await AppFixture.GotoAsync(page, "/");
        await page.GetByTestId("job-new").ClickAsync();
        await page.GetByTestId("field-name").FillAsync("Shop report");
        await page.GetByTestId("field-job-type").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "SQL" }).ClickAsync();
        await page.GetByTestId("field-connection").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "shop (sqlite)" }).ClickAsync();
        await page.GetByTestId("field-run-mode").GetByText("Inline script").ClickAsync();
        var editor = page.Locator(".etl-script-host > .monaco-editor");
        await Expect(editor).ToBeVisibleAsync();
        await editor.ClickAsync();
        await page.Keyboard.TypeAsync("CREATE TABLE sales (region TEXT, amount INT);\nINSERT INTO sales VALUES ('north', 120), ('south', 80);\nSELECT region, amount FROM sales ORDER BY region;\n");
        await Expect(page.GetByTestId("field-interpreter")).ToHaveCountAsync(0);
        await AppFixture.ScreenshotAsync(page, "job-editor-sql-connection");
        await page.GetByTestId("job-editor-save").ClickAsync();

        await Expect(page.GetByTestId("detail-type")).ToContainTextAsync("on connection shop");
        await page.GetByTestId("job-run").ClickAsync();
        await page.GetByRole(AriaRole.Tab, new() { Name = "Output log" }).ClickAsync();
        var log = page.GetByTestId("output-log");
        await Expect(log).ToContainTextAsync("north|120", new() { Timeout = 30_000 });
        await Expect(log).ToContainTextAsync("south|80");
        await AppFixture.ScreenshotAsync(page, "sql-job-connection-log");

        await AppFixture.GotoAsync(page, "/connections");
        await Expect(page.GetByTestId("connection-shop")).ToContainTextAsync("Shop report");
        await page.Context.DisposeAsync();
    }
}
