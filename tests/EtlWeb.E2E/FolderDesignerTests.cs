using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EtlWeb.E2E;

/// <summary>The designer by folder: one folder's jobs as boxes, the jobs of other folders they link to as stubs.</summary>
public sealed class FolderDesignerTests(AppFixture app) : IClassFixture<AppFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => app.ServerLog.CheckAsync();

    [Fact]
    public async Task A_folder_shows_its_jobs_with_stubs_for_the_other_folders_and_all_folders_shows_every_job()
    {
        await app.CreateJobAsync(new { name = "Ops extract", job_type = "shell", command = "echo hi", folder = "ops" });
        await app.CreateJobAsync(new { name = "Fin load", job_type = "shell", command = "echo hi", folder = "finance", dependencies = new[] { "Ops extract" } });
        await app.CreateJobAsync(new { name = "Fin report", job_type = "shell", command = "echo hi", folder = "finance/daily", dependencies = new[] { "Fin load" } });
        await app.CreateJobAsync(new { name = "Ops archive", job_type = "shell", command = "echo hi", folder = "ops", dependencies = new[] { "Fin report" } });
        var page = await app.NewPageAsync();
        await AppFixture.GotoAsync(page, "/designer?folder=finance");
        await page.Locator("[data-diagram-ready=true]").WaitForAsync();

        await Expect(Box(page, "Fin load")).ToBeVisibleAsync();
        await Expect(Box(page, "Fin report")).ToBeVisibleAsync();
        await Expect(Box(page, "Ops extract")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("stub-Ops extract")).ToContainTextAsync("ops");
        await Expect(page.GetByTestId("stub-Ops archive")).ToContainTextAsync("ops");
        await Expect(page.Locator("g[data-link-id^=stub-]")).ToHaveCountAsync(2);
        await Expect(page.Locator(".etl-designer-folder input").First).ToHaveValueAsync("finance");
        await AppFixture.ScreenshotAsync(page, "designer-folder-finance");

        // A stub stays where it is drawn: it is not a job of this view.
        var stub = (await page.GetByTestId("stub-Ops extract").BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(stub.X + 40, stub.Y + 10);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(stub.X + 140, stub.Y + 110, new() { Steps = 6 });
        await page.Mouse.UpAsync();
        var after = (await page.GetByTestId("stub-Ops extract").BoundingBoxAsync())!;
        Assert.Equal((stub.X, stub.Y), (after.X, after.Y));

        await page.GetByTestId("designer-folder").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").GetByText("All folders", new() { Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/designer$"));
        foreach (var name in new[] { "Ops extract", "Fin load", "Fin report", "Ops archive" })
        {
            await Expect(Box(page, name)).ToBeVisibleAsync();
        }

        await Expect(page.Locator(".etl-stub")).ToHaveCountAsync(0);
        await AppFixture.ScreenshotAsync(page, "designer-folder-all");

        await page.GetByTestId("designer-folder").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").GetByText("finance", new() { Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/designer\\?folder=finance$"));
        await Expect(Box(page, "Ops extract")).ToHaveCountAsync(0);

        // A stub's folder opens that folder at that job, where the finance job is the stub now.
        await page.GetByTestId("stub-folder-Ops extract").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/designer\\?folder=ops&job=Ops%20extract$"));
        await Expect(Box(page, "Ops extract")).ToBeVisibleAsync();
        await Expect(Box(page, "Fin load")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("stub-Fin load")).ToContainTextAsync("finance");
        await Expect(page.GetByTestId("stub-Fin report")).ToContainTextAsync("finance/daily");

        await AppFixture.GotoAsync(page, "/designer?folder=nowhere");
        await Expect(page.GetByTestId("designer-empty")).ToHaveTextAsync("No job in folder nowhere: choose another in Folder.");
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task A_link_to_a_job_the_user_may_not_see_ends_at_a_hidden_job_stub()
    {
        await app.CreateJobAsync(new { name = "Secret source", job_type = "shell", command = "echo hi", folder = "secret" });
        await app.CreateJobAsync(new { name = "Vault load", job_type = "shell", command = "echo hi", folder = "vault", dependencies = new[] { "Secret source" } });
        // A user whose only role is Viewer of folder vault, granted before they sign in.
        await EtlWeb.Testing.BrowserSignIn.CreateUserAsync(app.BaseAddress, "vaulter", "None");
        using (var client = app.CreateClient())
        {
            using var granted = await client.PutAsJsonAsync(new Uri("/api/users/vaulter/grants", UriKind.Relative), new[] { new { folder = "vault/**", role = "Viewer" } });
            granted.EnsureSuccessStatusCode();
        }

        var session = await EtlWeb.Testing.BrowserSignIn.SignInAsync(app.Browser, app.BaseAddress, "vaulter");
        var context = await app.Browser.NewContextAsync(new() { StorageState = session, BaseURL = app.BaseAddress.ToString(), ViewportSize = new() { Width = 1440, Height = 900 } });
        var page = await context.NewPageAsync();

        await AppFixture.GotoAsync(page, "/designer");
        await page.Locator("[data-diagram-ready=true]").WaitForAsync();

        await Expect(Box(page, "Vault load")).ToBeVisibleAsync();
        await Expect(Box(page, "Secret source")).ToHaveCountAsync(0);
        await Expect(page.GetByText("Secret source")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("stub-a hidden job")).ToContainTextAsync("in a folder you cannot see");
        await Expect(page.Locator("g[data-link-id^=stub-hidden-]")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("status-state")).ToHaveTextAsync("1 job, 0 links, 1 linked job outside this view");
        await AppFixture.ScreenshotAsync(page, "designer-hidden-stub");
        await page.Context.DisposeAsync();
    }

    private static ILocator Box(IPage page, string name) => page.GetByTestId($"box-{name}");
}
