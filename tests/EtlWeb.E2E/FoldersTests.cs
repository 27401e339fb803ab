using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using EtlWeb.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EtlWeb.E2E;

/// <summary>The folder tree of the main screen, the Folder field of the editor, and an Operator of one folder who sees only it.</summary>
public sealed class FoldersTests(AppFixture app) : IClassFixture<AppFixture>, IAsyncLifetime
{
    private static bool _seeded;

    public async Task InitializeAsync()
    {
        if (_seeded)
        {
            return;
        }

        _seeded = true;
        await app.CreateJobAsync(new { name = "Ops backup", job_type = "shell", command = "echo backup", folder = "ops" });
        await app.CreateJobAsync(new { name = "Ledger load", job_type = "shell", command = "echo ledger", folder = "finance/daily", dependencies = new[] { "Ops backup" } });
        await app.CreateJobAsync(new { name = "Month close", job_type = "shell", command = "echo close", folder = "finance/monthly" });
        await app.CreateJobAsync(new { name = "Root job", job_type = "shell", command = "echo root" });
    }

    public Task DisposeAsync() => app.ServerLog.CheckAsync();

    [Fact]
    public async Task The_folder_tree_filters_the_list_and_the_editor_moves_a_job_to_another_folder()
    {
        var page = await app.NewPageAsync();
        await AppFixture.GotoAsync(page, "/");
        var tree = page.GetByTestId("folder-tree");
        await Expect(tree.GetByTestId("folder-(all)")).ToContainTextAsync("All jobs");
        await Expect(tree.GetByTestId("folder-finance")).ToContainTextAsync("2");
        await Expect(tree.GetByTestId("folder-finance/daily")).ToContainTextAsync("daily");

        await tree.GetByTestId("folder-finance").ClickAsync();
        await Expect(page.GetByTestId("job-row-Ledger load")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("job-row-Month close")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("job-row-Ops backup")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("job-row-Root job")).ToHaveCountAsync(0);
        await AppFixture.ScreenshotAsync(page, "folders-tree-1440x900");

        await tree.GetByTestId("folder-finance/monthly").ClickAsync();
        await Expect(page.GetByTestId("job-row-Ledger load")).ToHaveCountAsync(0);
        await page.GetByTestId("job-row-Month close").DblClickAsync();
        var folder = page.GetByTestId("field-folder");
        await Expect(folder).ToHaveValueAsync("finance/monthly");
        await folder.FillAsync("finance/quarterly");
        await page.Keyboard.PressAsync("Tab");
        await page.GetByTestId("job-editor-save").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        await Expect(tree.GetByTestId("folder-finance/quarterly")).ToContainTextAsync("1");

        await tree.GetByTestId("folder-(all)").ClickAsync();
        await Expect(page.GetByTestId("job-row-Root job")).ToBeVisibleAsync();
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task An_Operator_of_one_folder_sees_only_its_jobs_runs_them_and_sees_a_hidden_upstream()
    {
        await BrowserSignIn.CreateUserAsync(app.BaseAddress, "fiona", "None");
        using (var admin = app.CreateClient())
        {
            using var granted = await admin.PutAsJsonAsync(new Uri("/api/users/fiona/grants", UriKind.Relative), new[] { new { folder = "finance/daily", role = "Operator" } });
            Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
        }

        var context = await app.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = app.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = 1440, Height = 900 } });
        var page = await context.NewPageAsync();
        await BrowserSignIn.FillSignInAsync(page, "fiona", BrowserSignIn.Password);
        await page.Locator("[data-etl-ready=true]").WaitForAsync();

        await Expect(page.GetByTestId("job-row-Ledger load")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("job-row-Ops backup")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("job-row-Root job")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("job-new")).ToHaveCountAsync(0);

        await page.GetByTestId("job-row-Ledger load").ClickAsync();
        await page.GetByRole(AriaRole.Tab, new() { Name = "Dependencies" }).ClickAsync();
        await Expect(page.GetByTestId("upstream-jobs").GetByTestId("hidden-job")).ToContainTextAsync("a hidden job");
        await AppFixture.ScreenshotAsync(page, "folders-operator-1440x900");

        await page.GetByTestId("job-run").ClickAsync();
        await Expect(page.Locator(".mud-snackbar")).ToContainTextAsync(new Regex("Run #\\d+ of 'Ledger load'"));
        await page.GotoAsync("/runs");
        await page.Locator("[data-etl-ready=true]").WaitForAsync();
        await Expect(page.GetByText("Ledger load").First).ToBeVisibleAsync();
        await AppFixture.ScreenshotAsync(page, "folders-operator-runs-1440x900");
        await Expect(page.GetByText("Ops backup")).ToHaveCountAsync(0);
        await context.DisposeAsync();
    }
}
