namespace EtlWeb.E2E;

public sealed class MainScreenTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task The_job_list_shows_jobs_and_search_narrows_it()
    {
        await app.CreateJobAsync(new { name = "Extract orders", job_type = "shell", command = "echo extract" });
        await app.CreateJobAsync(new { name = "Load warehouse", job_type = "python", command = "load.py" });
        var page = await app.NewPageAsync();

        await AppFixture.GotoAsync(page, "/");
        await page.GetByText("Extract orders").WaitForAsync();
        await page.GetByPlaceholder("Search name, description, command").FillAsync("warehouse");
        await page.GetByText("Extract orders").WaitForAsync(new() { State = Microsoft.Playwright.WaitForSelectorState.Hidden });
        await AppFixture.ScreenshotAsync(page, "main-screen-search");

        Assert.True(await page.GetByText("Load warehouse").IsVisibleAsync());
        await page.Context.DisposeAsync();
    }
}
