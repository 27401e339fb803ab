using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EtlWeb.E2E;

public sealed class SettingsTests(AppFixture app) : IClassFixture<AppFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => app.ServerLog.CheckAsync();

    [Fact]
    public async Task Settings_saved_on_the_page_are_in_force_after_a_reload()
    {
        var page = await app.NewPageAsync();
        await AppFixture.GotoAsync(page, "/settings");

        await page.GetByLabel("Days kept", new() { Exact = true }).FillAsync("12");
        await page.GetByLabel("Max upstream wait", new() { Exact = true }).FillAsync("1");
        await page.GetByLabel("Minutes", new() { Exact = true }).FillAsync("30");
        await page.GetByLabel("Max concurrent jobs", new() { Exact = true }).FillAsync("8");
        await Expect(page.GetByText("not saved yet")).ToHaveCountAsync(3);
        await page.GetByTestId("settings-save").ClickAsync();
        await Expect(page.GetByText("Settings saved. Max concurrent jobs applies after EtlWeb restarts.")).ToBeVisibleAsync();
        await ViewportScreenshotAsync(page, "settings-saved-1440x900");
        await page.ReloadAsync();
        await page.Locator("[data-etl-ready=true]").WaitForAsync();

        var days = page.GetByTestId("setting-EtlWeb:Retention:Days");
        await Expect(page.GetByLabel("Days kept", new() { Exact = true })).ToHaveValueAsync("12");
        await Expect(days.GetByTestId("setting-source")).ToContainTextAsync("Saved here · default 30 days");
        await Expect(days.GetByRole(AriaRole.Button, new() { Name = "Reset Days kept to its default, 30 days" })).ToBeEnabledAsync();
        await Expect(page.GetByLabel("Max upstream wait", new() { Exact = true })).ToHaveValueAsync("1");
        await Expect(page.GetByLabel("Minutes", new() { Exact = true })).ToHaveValueAsync("30");
        await Expect(page.GetByTestId("restart-notice")).ToContainTextAsync("Saved as 8; applies after EtlWeb restarts. This node runs 5 workers now.");
        await Expect(page.GetByLabel("Runs kept per job", new() { Exact = true })).ToHaveValueAsync("500");
        await Expect(page.GetByTestId("settings-scope")).ToContainTextAsync($"This node ({Environment.MachineName}) is the only one: on SQLite EtlWeb runs as one node");
        await Expect(page.GetByTestId("settings-scope")).ToContainTextAsync("worker nodes read their own configuration");
        await Expect(page.GetByTestId("setting-EtlWeb:KillGraceSeconds")).ToContainTextAsync("Applies from the next attempt on every web node.");
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task An_invalid_value_shows_its_message_in_place_and_is_not_saved()
    {
        var page = await app.NewPageAsync(1280, 720);
        await AppFixture.GotoAsync(page, "/settings");

        await page.GetByLabel("Max concurrent jobs", new() { Exact = true }).FillAsync("0");
        await page.GetByText("Must be between 1 and 256.").WaitForAsync();
        await page.GetByTestId("settings-save").ClickAsync();
        await page.GetByText("Nothing was saved: fix the fields marked in red.").WaitForAsync();
        await ViewportScreenshotAsync(page, "settings-invalid-1280x720");
        var fieldError = await page.GetByTestId("setting-EtlWeb:MaxConcurrentJobs").InnerTextAsync();
        var summary = await page.GetByText("1 field needs a fix before saving.").IsVisibleAsync();
        await page.ReloadAsync();
        await page.Locator("[data-etl-ready=true]").WaitForAsync();

        Assert.Contains("Must be between 1 and 256.", fieldError, StringComparison.Ordinal);
        Assert.True(summary);
        Assert.Equal("5", await page.GetByLabel("Max concurrent jobs", new() { Exact = true }).InputValueAsync());
        Assert.Contains("From configuration · default 5", await page.GetByTestId("setting-EtlWeb:MaxConcurrentJobs").InnerTextAsync(), StringComparison.Ordinal);
        await page.Context.DisposeAsync();
    }

    // What the user sees: a full-page capture would draw the sticky Save bar over the last section.
    private static async Task ViewportScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(AppFixture.ScreenshotDirectory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppFixture.ScreenshotDirectory, name + ".png") });
    }
}
