using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EtlWeb.E2E;

/// <summary>A web node and a worker node on PostgreSQL, seen from the web node's pages.</summary>
public sealed class NodesTests(ClusterFixture app) : IClassFixture<ClusterFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => app.ServerLog.CheckAsync();

    [Fact]
    public async Task The_nodes_page_shows_both_nodes_the_run_page_follows_a_run_on_the_worker_and_a_killed_worker_turns_lost()
    {
        await app.StartWorkerAsync();
        var release = Path.Combine(app.DataDirectory, "release");
        var jobId = await app.CreateJobAsync(new
        {
            name = "Load warehouse",
            job_type = "shell",
            command = $"echo 'loading on the worker'; while [ ! -f '{release}' ]; do sleep 0.1; done; echo 'warehouse loaded'",
        });
        var page = await app.NewPageAsync();

        await AppFixture.GotoAsync(page, "/nodes");
        var web = Row(page, "web-1");
        var worker = Row(page, "worker-a");
        await Expect(web.GetByTestId("node-role")).ToContainTextAsync("web");
        await Expect(web.GetByTestId("node-scheduler")).ToBeVisibleAsync();
        await Expect(web.GetByTestId("node-state")).ToHaveTextAsync("Alive");
        await Expect(web.GetByTestId("node-running")).ToHaveTextAsync("0 (runs no attempts)");
        await Expect(worker.GetByTestId("node-role")).ToHaveTextAsync("worker");
        await Expect(worker.GetByTestId("node-state")).ToHaveTextAsync("Alive");
        await Expect(page.GetByTestId("nodes-summary")).ToHaveTextAsync("2 alive (1 web, 1 worker), 0 attempts running");

        var runId = await app.RunJobAsync(jobId);
        await Expect(worker.GetByTestId("node-running")).ToHaveTextAsync("1 of 5");
        await AppFixture.ScreenshotAsync(page, "nodes");

        var runPage = await app.NewPageAsync();
        await AppFixture.GotoAsync(runPage, $"/runs/{runId}");
        var terminal = runPage.Locator("[data-testid=log-terminal] .xterm-rows");
        await Expect(terminal).ToContainTextAsync("loading on the worker");
        await Expect(terminal).ToContainTextAsync("started on worker-a");
        await Expect(runPage.Locator("[data-testid=run-status] [data-status=Running]")).ToBeVisibleAsync();
        await Expect(runPage.GetByTestId("attempt-node")).ToHaveTextAsync("worker-a");
        await File.WriteAllTextAsync(release, "");
        await Expect(terminal).ToContainTextAsync("warehouse loaded");
        await Expect(runPage.Locator("[data-testid=run-status] [data-status=Succeeded]")).ToBeVisibleAsync();
        await runPage.Context.DisposeAsync();

        await app.KillWorkerAsync();
        await Expect(worker.GetByTestId("node-state")).ToHaveTextAsync("Lost", new() { Timeout = 30_000 });
        await Expect(worker.GetByTestId("node-running")).ToHaveTextAsync("–");
        await AppFixture.ScreenshotAsync(page, "nodes-lost");
        await page.Context.DisposeAsync();
    }

    private static ILocator Row(IPage page, string name) =>
        page.GetByTestId("nodes-table").Locator("tr").Filter(new() { Has = page.GetByTestId("node-name").GetByText(name, new() { Exact = true }) });
}
