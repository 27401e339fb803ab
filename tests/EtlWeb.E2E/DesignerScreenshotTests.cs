using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EtlWeb.E2E;

/// <summary>
/// The designer on a catalogue of its own, laid out automatically: a small pipeline of 10 jobs, then 300 jobs with
/// 400 dependencies. Screenshots for a person to look at; the assertions pin what a layout must never do.
/// </summary>
public sealed class DesignerScreenshotTests(AppFixture app) : IClassFixture<AppFixture>, IAsyncLifetime
{
    // 300 boxes and 400 links take longer to render and lay out than a page of the app.
    private static readonly LocatorAssertionsToHaveCountOptions LargeCount = new() { Timeout = 30_000 };
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => app.ServerLog.CheckAsync();

    [Fact]
    public async Task Jobs_without_a_position_are_laid_out_left_to_right_without_overlaps_for_10_and_300_jobs()
    {
        string[][] pipeline =
        [
            ["Extract orders"], ["Extract customers"], ["Extract products"], ["Clean orders", "Extract orders"],
            ["Clean customers", "Extract customers"], ["Join sales", "Clean orders", "Clean customers", "Extract products"],
            ["Load warehouse", "Join sales"], ["Refresh dashboards", "Load warehouse"], ["Send report", "Refresh dashboards"],
            ["Vacuum database"],
        ];
        foreach (var job in pipeline)
        {
            await app.CreateJobAsync(new { name = job[0], job_type = "python", command = "run.py", schedule_type = "cron", cron_expression = "0 2 * * *", dependencies = job[1..] });
        }

        var page = await app.NewPageAsync();
        await OpenAsync(page);
        await Expect(page.Locator(".diagram-node")).ToHaveCountAsync(10);
        await AppFixture.ScreenshotAsync(page, "designer-10-jobs");
        var small = await NodeBoxesAsync(page);
        AssertNoOverlap(small);
        Assert.True(small["Extract orders"].X < small["Clean orders"].X && small["Clean orders"].X < small["Join sales"].X);
        Assert.True(small["Join sales"].X < small["Load warehouse"].X && small["Refresh dashboards"].X < small["Send report"].X);

        var links = pipeline.Sum(j => j.Length - 1);
        var random = new Random(11);
        for (var i = pipeline.Length; i < 300; i++)
        {
            var count = i < pipeline.Length + 102 ? 2 : 1;
            var upstreams = Enumerable.Range(Math.Max(0, i - 40), Math.Min(i, 40)).OrderBy(_ => random.Next()).Take(count).Select(Name).ToArray();
            links += upstreams.Length;
            await app.CreateJobAsync(new { name = Name(i), job_type = i % 3 == 0 ? "sql" : "shell", command = "true", dependencies = upstreams });
        }

        await OpenAsync(page);
        await Expect(page.Locator(".diagram-node")).ToHaveCountAsync(300, LargeCount);
        await page.GetByTestId("designer-layout").ClickAsync();
        await Expect(page.GetByTestId("status-state")).ToHaveTextAsync("Saved the positions of 300 jobs.", new() { Timeout = 30_000 });
        Assert.Equal(400, links);
        await Expect(page.Locator("g[data-link-id]")).ToHaveCountAsync(links, LargeCount);
        await AppFixture.ScreenshotAsync(page, "designer-300-jobs");
        AssertNoOverlap(await NodeBoxesAsync(page));

        await page.GetByTestId("designer-search").Locator("input").FillAsync("Join sales");
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = "Join sales" }).First.ClickAsync();
        await Expect(page.GetByTestId("box-Join sales")).ToBeInViewportAsync();
        await AppFixture.ScreenshotAsync(page, "designer-300-jobs-found");
        await page.Context.DisposeAsync();

        string Name(int i) => i < pipeline.Length ? pipeline[i][0] : $"job {i:D3}";
    }

    private static async Task OpenAsync(IPage page)
    {
        await AppFixture.GotoAsync(page, "/designer");
        await page.Locator("[data-diagram-ready=true]").WaitForAsync();
    }

    /// <summary>Every job's box in diagram units, by job name.</summary>
    private static async Task<Dictionary<string, (double X, double Y, double Width, double Height)>> NodeBoxesAsync(IPage page)
    {
        var boxes = await page.EvaluateAsync<JsonElement>(
            """
            () => [...document.querySelectorAll('.diagram-node')].map(n => ({
                name: n.querySelector('[data-testid^=box-]').dataset.testid.substring(4),
                x: parseFloat(n.style.left), y: parseFloat(n.style.top), w: n.offsetWidth, h: n.offsetHeight }))
            """);
        return boxes.EnumerateArray().ToDictionary(
            b => b.GetProperty("name").GetString()!,
            b => (b.GetProperty("x").GetDouble(), b.GetProperty("y").GetDouble(), b.GetProperty("w").GetDouble(), b.GetProperty("h").GetDouble()));
    }

    private static void AssertNoOverlap(Dictionary<string, (double X, double Y, double Width, double Height)> boxes)
    {
        var list = boxes.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            for (var j = i + 1; j < list.Count; j++)
            {
                var (a, b) = (list[i].Value, list[j].Value);
                var overlap = a.X < b.X + b.Width && b.X < a.X + a.Width && a.Y < b.Y + b.Height && b.Y < a.Y + a.Height;
                Assert.False(overlap, $"'{list[i].Key}' overlaps '{list[j].Key}'");
            }
        }
    }
}
