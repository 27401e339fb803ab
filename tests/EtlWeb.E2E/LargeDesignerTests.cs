using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace EtlWeb.E2E;

/// <summary>
/// The designer on more jobs than it draws at once (320 jobs in 32 chains of ten, imported in one request): one group
/// at a time, found by name; opening it writes no position.
/// </summary>
public sealed class LargeDesignerTests(AppFixture app) : IClassFixture<AppFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => app.ServerLog.CheckAsync();

    [Fact]
    public async Task A_large_view_draws_one_group_and_find_a_job_opens_another_and_opening_saves_no_position()
    {
        var jobs = Enumerable.Range(0, 320).Select(i => new
        {
            name = Name(i),
            job_type = "shell",
            command = "true",
            dependencies = i % 10 == 0 ? Array.Empty<string>() : [Name(i - 1)],
        });
        using (var client = app.CreateClient())
        {
            using var imported = await client.PostAsJsonAsync(new Uri("/api/import?dry_run=false", UriKind.Relative), jobs);
            Assert.True(imported.IsSuccessStatusCode, await imported.Content.ReadAsStringAsync());
        }

        var page = await app.NewPageAsync();
        await AppFixture.GotoAsync(page, "/designer");
        await page.Locator("[data-diagram-ready=true]").WaitForAsync();
        await Expect(page.GetByTestId("designer-part"))
            .ToHaveTextAsync("Showing the 10 jobs linked to chain 00 step 0; 310 more in all folders: find a job to open its group.");
        await Expect(page.Locator(".diagram-node")).ToHaveCountAsync(10);

        await page.GetByTestId("designer-search").Locator("input").FillAsync("chain 17 step 4");
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = "chain 17 step 4" }).First.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/designer\\?job=chain%2017%20step%204$"));
        await Expect(page.GetByTestId("designer-part"))
            .ToHaveTextAsync("Showing the 10 jobs linked to chain 17 step 4; 310 more in all folders: find a job to open its group.");
        await Expect(page.Locator(".diagram-node")).ToHaveCountAsync(10);
        await Expect(page.GetByTestId("box-chain 17 step 0")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("box-chain 00 step 0")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("box-chain 17 step 4")).ToBeInViewportAsync();
        await Expect(page.Locator(".diagram-node.selected")).ToHaveCountAsync(1);
        await AppFixture.ScreenshotAsync(page, "designer-large-group");

        // The job named in the address is opened again on a reload; opening laid the boxes out but saved nothing.
        await page.ReloadAsync();
        await page.Locator("[data-diagram-ready=true]").WaitForAsync();
        await Expect(page.GetByTestId("box-chain 17 step 4")).ToBeInViewportAsync();
        Assert.Equal(0, await PlacedAsync());

        // The first move keeps the picture it was made in: the group's laid-out places are saved with the moved box.
        var box = (await page.GetByTestId("box-chain 17 step 4").BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(box.X + 60, box.Y + 20);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(box.X + 100, box.Y + 140, new() { Steps = 6 });
        await page.Mouse.UpAsync();
        await Expect(page.GetByTestId("status-state")).ToHaveTextAsync("Saved the positions of 10 jobs.");
        Assert.Equal(10, await PlacedAsync());
        await page.Context.DisposeAsync();

        static string Name(int i) => $"chain {i / 10:D2} step {i % 10}";
    }

    /// <summary>How many jobs have a saved place in the designer.</summary>
    private async Task<int> PlacedAsync()
    {
        using var client = app.CreateClient();
        var jobs = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/export", UriKind.Relative));
        return jobs.EnumerateArray().Count(j => j.TryGetProperty("designer_x", out var x) && x.ValueKind == JsonValueKind.Number);
    }
}
