using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using EtlWeb.Features.Runs;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace EtlWeb.E2E;

/// <summary>The run page and its Output log in a real browser, over runs of real processes.</summary>
public sealed partial class LogViewerTests(AppFixture app, ITestOutputHelper output) : IClassFixture<AppFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => app.ServerLog.CheckAsync();

    [Fact]
    public async Task A_running_job_shows_its_lines_live_then_succeeds_and_its_stored_log_has_every_line()
    {
        var jobId = await app.CreateJobAsync(new
        {
            name = "ticker",
            job_type = "shell",
            command = "for i in $(seq 1 10); do echo \"line $i\"; sleep 0.3; done",
        });
        var page = await app.NewPageAsync();

        // Warm up first: the test is about the log, not about how long a cold server takes to render its first page.
        await AppFixture.GotoAsync(page, "/");
        var runId = await app.RunJobAsync(jobId);
        await AppFixture.GotoAsync(page, $"/runs/{runId}");
        await WaitUntilAsync(async () => LinesShown(await TerminalTextAsync(page)).Count >= 3, "three live lines");
        Assert.Equal("Running", await StatusAsync(runId));
        Assert.True(await page.Locator("[data-testid=run-status] [data-status=Running]").IsVisibleAsync());
        Assert.True(await page.Locator("[data-testid=log-live]").IsVisibleAsync());
        await AppFixture.ScreenshotAsync(page, "log-viewer-running");

        await page.Locator("[data-testid=run-status] [data-status=Succeeded]").WaitForAsync();
        await AppFixture.GotoAsync(page, $"/runs/{runId}");
        await WaitUntilAsync(async () => LinesShown(await TerminalTextAsync(page)).Count == 10, "the ten stored lines");
        Assert.Equal(Enumerable.Range(1, 10), LinesShown(await TerminalTextAsync(page)));
        Assert.Equal("11 lines", await page.Locator("[data-testid=log-range]").InnerTextAsync());
        await AppFixture.ScreenshotAsync(page, "log-viewer-finished");

        await page.Locator("[data-testid=dark-toggle]").ClickAsync();
        await WaitUntilAsync(async () => await TerminalBackgroundAsync(page) is { } colour && IsDark(colour), "a dark terminal");
        await AppFixture.ScreenshotAsync(page, "log-viewer-finished-dark");
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task A_million_line_log_opens_at_its_last_line_loads_older_lines_on_scrolling_up_and_finds_a_line_far_back()
    {
        var jobId = await app.CreateJobAsync(new { name = "million", job_type = "shell", command = "seq 1 1000000" });
        var runId = await app.RunJobAsync(jobId);
        await WaitUntilAsync(async () => await StatusAsync(runId) == "Succeeded", "the million-line run to succeed", TimeSpan.FromMinutes(3));
        var page = await app.NewPageAsync();
        var viewer = page.Locator("[data-testid=log-viewer]");
        await AppFixture.GotoAsync(page, "/");

        var clock = Stopwatch.StartNew();
        await AppFixture.GotoAsync(page, $"/runs/{runId}");
        await page.Locator("[data-testid=log-terminal] .xterm-rows").GetByText("1000000").First.WaitForAsync();
        output.WriteLine($"The last of 1,000,000 lines showed {clock.ElapsedMilliseconds} ms after navigation started.");
        Assert.Equal("Lines 998,002–1,000,001 of 1,000,001", await page.Locator("[data-testid=log-range]").InnerTextAsync());
        await AppFixture.ScreenshotAsync(page, "log-viewer-million");

        var firstShown = await FirstLineAsync(viewer);
        await WaitUntilAsync(async () =>
        {
            await ScrollToTopAsync(page);
            return await ShowsEarlierThanAsync(page, firstShown);
        }, "an older page after scrolling to the top");
        var first = await FirstLineAsync(viewer);
        var next = long.Parse((await viewer.GetAttributeAsync("data-next-line"))!, CultureInfo.InvariantCulture);
        Assert.Equal(0, (firstShown - first) % 2_000);
        Assert.Equal($"Lines {first + 1:N0}–{next:N0} of 1,000,001", await page.Locator("[data-testid=log-range]").InnerTextAsync());
        await AppFixture.ScreenshotAsync(page, "log-viewer-million-scrolled");

        await page.GetByPlaceholder("Search log").FillAsync("123456");
        await page.GetByPlaceholder("Search log").PressAsync("Enter");
        await page.Locator("[data-testid=log-search-note]").Filter(new() { HasText = "line 123,457" }).WaitForAsync();
        await page.Locator("[data-testid=log-terminal] .xterm-rows").GetByText("123456").First.WaitForAsync();
        Assert.InRange(await FirstLineAsync(viewer), 122_456, 123_456);
        await AppFixture.ScreenshotAsync(page, "log-viewer-search");
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task Stderr_is_red_and_the_jobs_own_colours_show()
    {
        var jobId = await app.CreateJobAsync(new
        {
            name = "colours",
            job_type = "shell",
            command = "printf '\\033[32mgreen ok\\033[0m then plain\\n'; echo 'disk almost full' >&2; printf '\\033[34mblue\\033[0m\\n'",
        });
        var runId = await app.RunJobAsync(jobId);
        await WaitUntilAsync(async () => await StatusAsync(runId) == "Succeeded", "the run to succeed");
        var page = await app.NewPageAsync(1000, 500);
        await AppFixture.GotoAsync(page, $"/runs/{runId}");
        var rows = page.Locator("[data-testid=log-terminal] .xterm-rows");

        // xterm's DOM renderer gives palette colours as classes: 1 is red, 2 green, 4 blue.
        await rows.Locator("span.xterm-fg-2", new() { HasText = "green ok" }).WaitForAsync();
        await rows.Locator("span.xterm-fg-1", new() { HasText = "disk almost full" }).WaitForAsync();
        await rows.Locator("span.xterm-fg-4", new() { HasText = "blue" }).WaitForAsync();
        Assert.Equal(0, await rows.Locator("span.xterm-fg-2", new() { HasText = "then plain" }).CountAsync());
        await AppFixture.ScreenshotAsync(page, "log-viewer-colours");
        await page.Locator("[data-testid=dark-toggle]").ClickAsync();
        await WaitUntilAsync(async () => await TerminalBackgroundAsync(page) is { } colour && IsDark(colour), "a dark terminal");
        await AppFixture.ScreenshotAsync(page, "log-viewer-colours-dark");
        await page.Context.DisposeAsync();
    }

    private async Task<string> StatusAsync(long runId)
    {
        using var client = app.CreateClient();
        var run = await client.GetFromJsonAsync<RunDocument>(new Uri($"/api/runs/{runId}", UriKind.Relative));
        return run!.Status;
    }

    /// <summary>
    /// Drags the terminal's scrollbar thumb to the top, as a reader going back through a long log would, then turns
    /// the wheel up once more there.
    /// </summary>
    private static async Task ScrollToTopAsync(IPage page)
    {
        var thumb = await page.Locator("[data-testid=log-terminal] .scrollbar.vertical .slider").BoundingBoxAsync();
        Assert.NotNull(thumb);
        await page.Mouse.MoveAsync(thumb.X + (thumb.Width / 2), thumb.Y + (thumb.Height / 2));
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(thumb.X + (thumb.Width / 2), 0, new() { Steps = 10 });
        await page.Mouse.UpAsync();
        await page.Locator("[data-testid=log-terminal]").HoverAsync();
        await page.Mouse.WheelAsync(0, -100);
    }

    /// <summary>Whether the viewer comes to show a page that starts before <paramref name="line"/> within two seconds.</summary>
    private static async Task<bool> ShowsEarlierThanAsync(IPage page, long line)
    {
        try
        {
            await page.WaitForFunctionAsync(
                "line => Number(document.querySelector('[data-testid=log-viewer]').dataset.firstLine) < line", line, new() { Timeout = 2_000 });
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private static Task<string> TerminalTextAsync(IPage page) => page.Locator("[data-testid=log-terminal] .xterm-rows").InnerTextAsync();

    private static Task<string?> TerminalBackgroundAsync(IPage page) =>
        page.Locator("[data-testid=log-terminal]").EvaluateAsync<string?>("e => getComputedStyle(e.parentElement).backgroundColor");

    private static async Task<long> FirstLineAsync(ILocator viewer) =>
        long.Parse((await viewer.GetAttributeAsync("data-first-line"))!, CultureInfo.InvariantCulture);

    /// <summary>The numbers of the "line N" lines on screen, in order (the terminal may render spaces as no-break spaces).</summary>
    private static List<int> LinesShown(string text) =>
        [.. LineText().Matches(text).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))];

    private static bool IsDark(string cssColour)
    {
        var parts = NumberText().Matches(cssColour).Select(m => double.Parse(m.Value, CultureInfo.InvariantCulture)).ToList();
        return parts.Count >= 3 && (0.2126 * parts[0]) + (0.7152 * parts[1]) + (0.0722 * parts[2]) < 100;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? limit = null)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < (limit ?? TimeSpan.FromSeconds(20)), $"Timed out waiting for {what}.");
            await Task.Delay(100);
        }
    }

    [GeneratedRegex(@"(?<!\$)line\s(\d+)")]
    private static partial Regex LineText();

    [GeneratedRegex(@"[\d.]+")]
    private static partial Regex NumberText();
}
