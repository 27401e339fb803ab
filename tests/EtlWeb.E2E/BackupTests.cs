using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EtlWeb.E2E;

/// <summary>File -> Back up now copies both databases while EtlWeb runs and says where they went.</summary>
public sealed class BackupTests(AppFixture app) : IClassFixture<AppFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => app.ServerLog.CheckAsync();

    [Fact]
    public async Task Back_up_now_writes_both_databases_and_names_the_directory()
    {
        await app.CreateJobAsync(new { name = "Backed up", job_type = "shell", command = "echo b" });
        var page = await app.NewPageAsync();
        await AppFixture.GotoAsync(page, "/");

        await page.GetByTestId("menu-file").ClickAsync();
        await page.GetByTestId("menu-backup").ClickAsync();

        var message = page.Locator(".mud-snackbar").Filter(new LocatorFilterOptions { HasText = "Backed up both databases" });
        await Expect(message).ToBeVisibleAsync();
        var text = await message.InnerTextAsync();
        var directory = text[text.IndexOf(Path.Combine(app.DataDirectory, "backups"), StringComparison.Ordinal)..].Trim();
        Assert.True(File.Exists(Path.Combine(directory, "etlweb.db")), $"no etlweb.db in '{directory}'");
        Assert.True(File.Exists(Path.Combine(directory, "hangfire.db")), $"no hangfire.db in '{directory}'");
        await page.Context.DisposeAsync();
    }
}
