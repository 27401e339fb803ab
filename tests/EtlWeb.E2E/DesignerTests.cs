using System.Net.Http.Json;
using System.Text.Json;
using EtlWeb.Core.Jobs;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EtlWeb.E2E;

/// <summary>
/// The workflow designer in a real browser: moving boxes, drawing and deleting links, opening and running jobs.
/// Each test places its jobs in its own band of the diagram and brings them into view with the search box.
/// </summary>
public sealed class DesignerTests(AppFixture app) : IClassFixture<AppFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => app.ServerLog.CheckAsync();

    [Fact]
    public async Task A_dragged_box_is_found_at_its_new_position_after_a_reload()
    {
        var id = await CreateAsync("Drag me", x: 40, y: 0);
        var page = await OpenAsync("Drag me");
        var before = await DiagramPositionAsync(page, id);

        var box = (await Box(page, "Drag me").BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(box.X + 60, box.Y + 20);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(box.X + 160, box.Y + 100, new() { Steps = 8 });
        await page.Mouse.UpAsync();
        await Expect(page.GetByTestId("status-state")).ToHaveTextAsync("Saved the job's position.");
        var moved = await DiagramPositionAsync(page, id);
        Assert.True(moved.X > before.X + 50 && moved.Y > before.Y + 50, $"{before} -> {moved}");

        await page.ReloadAsync();
        await WaitReadyAsync(page);
        Assert.Equal(moved, await DiagramPositionAsync(page, id));
        var job = await GetJobAsync(id);
        Assert.Equal(moved.X, job.DesignerX);
        Assert.Equal(moved.Y, job.DesignerY);
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task Drawing_a_link_adds_the_dependency_seen_in_the_dependencies_tab_and_the_api()
    {
        var upstream = await CreateAsync("Draw upstream", x: 40, y: 400);
        var downstream = await CreateAsync("Draw downstream", x: 400, y: 400);
        var page = await OpenAsync("Draw upstream");

        await DrawLinkAsync(page, "Draw upstream", "Draw downstream");
        await Expect(page.GetByTestId("status-state")).ToHaveTextAsync("'Draw downstream' now depends on 'Draw upstream'.");
        await Expect(Link(page, upstream, downstream)).ToHaveCountAsync(1);
        Assert.Equal(["Draw upstream"], (await GetJobAsync(downstream)).UpstreamNames());

        await AppFixture.GotoAsync(page, $"/?job={downstream}");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Dependencies" }).ClickAsync();
        await Expect(page.GetByTestId("upstream-jobs")).ToContainTextAsync("Draw upstream");
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task A_link_that_would_close_a_cycle_is_refused_naming_the_cycle_and_disappears()
    {
        var first = await CreateAsync("Cycle first", x: 40, y: 800);
        var second = await CreateAsync("Cycle second", x: 400, y: 800, dependencies: ["Cycle first"]);
        var page = await OpenAsync("Cycle first");
        await Expect(page.Locator("g[data-link-id]")).Not.ToHaveCountAsync(0);
        var links = await page.Locator("g[data-link-id]").CountAsync();

        await DrawLinkAsync(page, "Cycle second", "Cycle first");
        var message = page.Locator(".mud-snackbar").Filter(new() { HasText = "cycle" });
        await Expect(message).ToContainTextAsync("These dependencies form a cycle: Cycle first -> Cycle second -> Cycle first.");
        await AppFixture.ScreenshotAsync(page, "designer-cycle-refused");
        await Expect(page.Locator("g[data-link-id]")).ToHaveCountAsync(links);
        Assert.Empty((await GetJobAsync(first)).UpstreamNames());
        Assert.Equal(["Cycle first"], (await GetJobAsync(second)).UpstreamNames());

        await DrawLinkAsync(page, "Cycle first", "Cycle first");
        await Expect(page.Locator(".mud-snackbar").Filter(new() { HasText = "itself" })).ToContainTextAsync("'Cycle first' cannot depend on itself.");
        Assert.Empty((await GetJobAsync(first)).UpstreamNames());
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task Deleting_a_link_asks_first_then_removes_the_dependency()
    {
        var upstream = await CreateAsync("Unlink upstream", x: 40, y: 1200);
        var downstream = await CreateAsync("Unlink downstream", x: 400, y: 1200, dependencies: ["Unlink upstream"]);
        var page = await OpenAsync("Unlink upstream");
        var link = Link(page, upstream, downstream);
        await Expect(page.GetByTestId("designer-delete-link")).ToBeDisabledAsync();

        await ClickLinkAsync(page, link);
        await page.GetByTestId("designer-delete-link").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync("'Unlink downstream' will no longer wait for 'Unlink upstream'");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(link).ToHaveCountAsync(1);
        Assert.Equal(["Unlink upstream"], (await GetJobAsync(downstream)).UpstreamNames());

        await ClickLinkAsync(page, link);
        await page.Keyboard.PressAsync("Delete");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(page.GetByTestId("status-state")).ToHaveTextAsync("'Unlink downstream' no longer depends on 'Unlink upstream'.");
        await Expect(link).ToHaveCountAsync(0);
        Assert.Empty((await GetJobAsync(downstream)).UpstreamNames());
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task A_link_set_to_on_failure_turns_red_and_runs_the_cleanup_only_after_a_failure()
    {
        var load = await CreateAsync("Failing load", x: 40, y: 2400, command: "echo loading; exit 1");
        var cleanup = await CreateAsync("Cleanup after load", x: 400, y: 2400, dependencies: ["Failing load"]);
        var page = await OpenAsync("Failing load");
        var link = Link(page, load, cleanup);

        await ClickLinkAsync(page, link);
        await Expect(page.GetByTestId("designer-link-kind")).ToContainTextAsync("Runs: on success");
        await page.GetByTestId("designer-link-kind").Locator("button").ClickAsync();
        await page.GetByTestId("designer-link-kind-failure").ClickAsync();

        await Expect(page.GetByTestId("status-state")).ToHaveTextAsync("'Cleanup after load' now runs after 'Failing load' only when it failed.");
        await Expect(link).ToContainTextAsync("on failure");
        Assert.Equal([new DependencyDocument { Job = "Failing load", When = "failure" }], (await GetJobAsync(cleanup)).Dependencies!);

        // Selecting the box unselects the link, which then shows its own colour.
        await Box(page, "Failing load").ClickAsync(new() { Button = MouseButton.Right });
        await page.GetByTestId("box-run").ClickAsync();
        await Expect(link.Locator("path").First).ToHaveAttributeAsync("stroke", "#e53935");
        await Expect(Box(page, "Failing load")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("etl-box-failed"), new() { Timeout = 30_000 });
        await Expect(Box(page, "Cleanup after load")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("etl-box-succeeded"), new() { Timeout = 30_000 });
        await AppFixture.ScreenshotAsync(page, "designer-on-failure-link");
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task A_cancelled_and_a_skipped_last_run_have_colours_of_their_own()
    {
        // Placed, as every job of this class: a first drag in another test saves only the box it moved.
        var cancelled = await CreateAsync("Box cancelled", x: 40, y: 3200, command: "sleep 60");
        var skipped = await app.CreateJobAsync(new { name = "Box skipped", job_type = "shell", command = "sleep 60", overlap_policy = "skip", designer_x = 400, designer_y = 3200 });
        var page = await app.NewPageAsync();
        await AppFixture.GotoAsync(page, "/designer");

        // A trigger while a run is still pending joins it; one while it runs is skipped by the overlap policy.
        var first = await app.RunJobAsync(skipped);
        await Expect(Box(page, "Box skipped")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("etl-box-running"), new() { Timeout = 30_000 });
        Assert.NotEqual(first, await app.RunJobAsync(skipped));
        await CancelAsync(first);
        await CancelAsync(await app.RunJobAsync(cancelled));

        await Expect(Box(page, "Box cancelled")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("etl-box-cancelled"), new() { Timeout = 30_000 });
        await Expect(Box(page, "Box skipped")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("etl-box-skipped"), new() { Timeout = 30_000 });
        var legend = page.GetByLabel("Colours");
        await Expect(legend).ToContainTextAsync("Last run cancelled");
        await Expect(legend).ToContainTextAsync("Last run skipped");
        await AppFixture.ScreenshotAsync(page, "designer-cancelled-skipped");
        await page.Context.DisposeAsync();
    }

    private async Task CancelAsync(long runId)
    {
        using var client = app.CreateClient();
        using var response = await client.PostAsync(new Uri($"/api/runs/{runId}/cancel", UriKind.Relative), null);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_for_each_jobs_box_counts_its_items_and_the_run_pages_show_the_outputs_and_the_items()
    {
        var release = Path.Combine(Path.GetTempPath(), $"etlweb-e2e-release-{Guid.NewGuid():N}");
        var list = await CreateAsync("List regions", x: 40, y: 2800, command: """echo '{"regions": ["eu", "us", "ap"], "rows": 3}' > "$ETL_OUTPUT" """);
        var each = await app.CreateJobAsync(new
        {
            name = "Load region", job_type = "shell", designer_x = 400, designer_y = 2800,
            command = $"while [ ! -e {release} ]; do sleep 0.1; done; echo loading $ETL_ITEM",
            for_each = new { job = "List regions", output = "regions", max_parallel = 2 },
        });
        try
        {
            var page = await OpenAsync("Load region");
            var listRun = await app.RunJobAsync(list);
            await Expect(page.GetByTestId("box-items-Load region")).ToHaveTextAsync("0 of 3 items", new() { Timeout = 30_000 });
            await AppFixture.ScreenshotAsync(page, "designer-for-each-progress");
            await File.WriteAllTextAsync(release, "go");
            await Expect(Box(page, "Load region")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("etl-box-succeeded"), new() { Timeout = 30_000 });
            await Expect(page.GetByTestId("box-items-Load region")).ToHaveCountAsync(0);

            await AppFixture.GotoAsync(page, $"/runs/{listRun}");
            await Expect(page.GetByTestId("run-output-rows")).ToHaveTextAsync("rows = 3");
            await Expect(page.GetByTestId("run-output-regions")).ToHaveTextAsync("regions = [\"eu\",\"us\",\"ap\"]");

            using var client = app.CreateClient();
            var runs = (await client.GetFromJsonAsync<List<EtlWeb.Features.Runs.RunDocument>>(new Uri($"/api/runs?job_id={each}", UriKind.Relative)))!;
            await AppFixture.GotoAsync(page, $"/runs/{runs.Single(r => r.ParentRunId is null).Id}");
            await Expect(page.GetByTestId("run-items-Succeeded")).ToContainTextAsync("3");
            await Expect(page.GetByTestId("run-item-1")).ToContainTextAsync("us");
            await AppFixture.ScreenshotAsync(page, "run-page-for-each-items");
            await page.GetByTestId("run-item-1").GetByRole(AriaRole.Link).ClickAsync();
            await Expect(page.GetByTestId("run-item")).ToHaveTextAsync("us");
            await Expect(page.GetByTestId("run-parent")).ToBeVisibleAsync();
            await page.Context.DisposeAsync();
        }
        finally
        {
            File.Delete(release);
        }
    }

    [Fact]
    public async Task Running_a_job_from_its_menu_turns_its_box_orange_then_green()
    {
        await CreateAsync("Run from box", x: 40, y: 1600, command: "echo start; sleep 2; echo done");
        var page = await OpenAsync("Run from box");
        await page.EvaluateAsync("window.__sameDocument = true");
        var box = Box(page, "Run from box");
        await Expect(box).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("etl-box-idle"));

        await box.ClickAsync(new() { Button = MouseButton.Right });
        await page.GetByTestId("box-run").ClickAsync();
        await Expect(box).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("etl-box-running"));
        await AppFixture.ScreenshotAsync(page, "designer-running");
        await Expect(box).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("etl-box-succeeded"), new() { Timeout = 30_000 });
        Assert.True(await page.EvaluateAsync<bool>("window.__sameDocument === true"));
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task Double_clicking_a_box_opens_the_job_editor()
    {
        await CreateAsync("Edit from box", x: 40, y: 2000);
        var page = await OpenAsync("Edit from box");

        await Box(page, "Edit from box").DblClickAsync();
        await Expect(page.GetByTestId("job-editor-title")).ToHaveTextAsync("Edit job: Edit from box");
        await page.Context.DisposeAsync();
    }

    private Task<int> CreateAsync(string name, double x, double y, string command = "echo designer", string[]? dependencies = null) =>
        app.CreateJobAsync(new { name, job_type = "shell", command, designer_x = x, designer_y = y, dependencies = dependencies ?? [] });

    /// <summary>Opens the designer and centres on a job with the search box (which also zooms to 100 %).</summary>
    private async Task<IPage> OpenAsync(string centreOn)
    {
        var page = await app.NewPageAsync();
        await AppFixture.GotoAsync(page, "/designer");
        await WaitReadyAsync(page);
        await page.GetByTestId("designer-search").Locator("input").FillAsync(centreOn);
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = centreOn }).First.ClickAsync();
        await Expect(Box(page, centreOn)).ToBeInViewportAsync();
        return page;
    }

    private static Task WaitReadyAsync(IPage page) => page.Locator("[data-diagram-ready=true]").WaitForAsync();

    private static ILocator Box(IPage page, string name) => page.GetByTestId($"box-{name}");

    private static ILocator Link(IPage page, int upstream, int downstream) => page.Locator($"g[data-link-id=dependency-{upstream}-{downstream}]");

    /// <summary>Presses on the upstream job's output dot and lets go on the downstream job's input dot.</summary>
    private static async Task DrawLinkAsync(IPage page, string upstream, string downstream)
    {
        var from = (await Box(page, upstream).Locator(".etl-port.right").BoundingBoxAsync())!;
        var to = (await Box(page, downstream).Locator(".etl-port.left").BoundingBoxAsync())!;
        var links = await page.Locator("g[data-link-id]").CountAsync();
        await page.Mouse.MoveAsync(from.X + (from.Width / 2), from.Y + (from.Height / 2));
        await page.Mouse.DownAsync();

        // Every pointer event is a round trip on Blazor Server: let the server start the drawn link before moving on,
        // as a person's hand would.
        await page.Mouse.MoveAsync(from.X + (from.Width / 2) + 20, from.Y + (from.Height / 2) + 10, new() { Steps = 2 });
        await Expect(page.Locator("g[data-link-id]")).ToHaveCountAsync(links + 1);
        await page.Mouse.MoveAsync(to.X + (to.Width / 2), to.Y + (to.Height / 2) + 30, new() { Steps = 10 });
        await page.Mouse.MoveAsync(to.X + (to.Width / 2), to.Y + (to.Height / 2), new() { Steps = 4 });
        await page.Mouse.UpAsync();
    }

    /// <summary>
    /// Clicks the middle of a link's curve (its bounding box's middle may be off the line) and waits until the designer
    /// shows the link selected. The curve is redrawn when the ports' places are measured after the first render, so the
    /// point is read until two readings agree, and a click that landed before the redraw is repeated.
    /// </summary>
    private static async Task ClickLinkAsync(IPage page, ILocator link)
    {
        var selected = page.GetByTestId("designer-delete-link");
        for (var attempt = 1; ; attempt++)
        {
            var point = await MiddleOfCurveAsync(link);
            for (var previous = (X: float.NaN, Y: float.NaN); point != previous; point = await MiddleOfCurveAsync(link))
            {
                previous = point;
                await page.EvaluateAsync("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))");
            }
            await page.Mouse.ClickAsync(point.X, point.Y);
            try
            {
                await Expect(selected).ToBeEnabledAsync(new() { Timeout = attempt < 3 ? 5_000 : 15_000 });
                return;
            }
            catch (PlaywrightException) when (attempt < 3)
            {
                // The click landed where the curve was a moment ago: read its place again and click once more.
            }
        }
    }

    private static async Task<(float X, float Y)> MiddleOfCurveAsync(ILocator link)
    {
        var point = await link.Locator("path").First.EvaluateAsync<JsonElement>(
            """
            path => {
                const p = path.getPointAtLength(path.getTotalLength() / 2);
                const m = path.getScreenCTM();
                return { x: p.x * m.a + p.y * m.c + m.e, y: p.x * m.b + p.y * m.d + m.f };
            }
            """);
        return (point.GetProperty("x").GetSingle(), point.GetProperty("y").GetSingle());
    }

    /// <summary>The box's place in diagram units, as its element is positioned.</summary>
    private static async Task<(double X, double Y)> DiagramPositionAsync(IPage page, int id)
    {
        var style = await page.Locator($".diagram-node[data-node-id='{id}']").EvaluateAsync<JsonElement>(
            "e => ({ x: parseFloat(e.style.left), y: parseFloat(e.style.top) })");
        return (style.GetProperty("x").GetDouble(), style.GetProperty("y").GetDouble());
    }

    private async Task<JobDocument> GetJobAsync(int id)
    {
        using var client = app.CreateClient();
        return (await client.GetFromJsonAsync<JobDocument>(new Uri($"/api/jobs/{id}", UriKind.Relative)))!;
    }

}
