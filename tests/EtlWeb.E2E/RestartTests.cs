using System.Net.Http.Json;
using EtlWeb.Features.Runs;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EtlWeb.E2E;

/// <summary>An admin restarts EtlWeb from the Nodes page; a job running meanwhile goes on and is adopted.</summary>
public sealed class RestartTests(SupervisedAppFixture app) : IClassFixture<SupervisedAppFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => app.ServerLog.CheckAsync();

    [Fact]
    public async Task An_admin_restarts_EtlWeb_from_the_nodes_page_and_a_running_job_ends_with_one_attempt_and_every_line()
    {
        // The image's init says on stderr that it starts EtlWeb again, as asked (EtlWeb exits with 75 to ask).
        app.ServerLog.ExpectError("etlweb-init: EtlWeb asked to be restarted; starting it again");
        var jobId = await app.CreateJobAsync(new { name = "Long load", job_type = "shell", command = "for i in $(seq 1 50); do echo row $i; sleep 0.1; done" });
        var runId = await app.RunJobAsync(jobId);
        var page = await app.NewPageAsync();
        await AppFixture.GotoAsync(page, "/nodes");

        // A mark that lives only as long as this document: the page's own reload after the restart drops it.
        await page.EvaluateAsync("() => { window.etlBeforeRestart = true; }");
        await page.GetByTestId("restart-node").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync("Its running jobs go on per EtlWeb:StopPolicy");
        await AppFixture.ScreenshotAsync(page, "nodes-restart-confirm");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Restart", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("restarting")).ToBeVisibleAsync();
        await AppFixture.ScreenshotAsync(page, "nodes-restarting");

        var run = await WaitForEndAsync(runId);
        Assert.Equal("Succeeded", run.Status);
        Assert.Single(run.Attempts);
        using (var client = app.CreateClient())
        {
            var stdout = (await client.GetStringAsync(new Uri($"/api/runs/{runId}/log?stream=stdout", UriKind.Relative))).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(Enumerable.Range(1, 50).Select(i => $"row {i}"), stdout);
            Assert.Contains("EtlWeb restarted", await client.GetStringAsync(new Uri($"/api/runs/{runId}/log", UriKind.Relative)), StringComparison.Ordinal);
        }

        // The same page, after the restart: it reloads by itself once EtlWeb answers again (navigating now
        // would race that reload), and the node is back.
        await page.WaitForFunctionAsync(
            "() => window.etlBeforeRestart === undefined && document.querySelector('[data-etl-ready=true]') !== null",
            null, new PageWaitForFunctionOptions { Timeout = 60_000 });
        await Expect(page.GetByTestId("node-state")).ToHaveTextAsync("Alive");
        await Expect(page.GetByTestId("restart-node")).ToBeEnabledAsync();
        await page.Context.DisposeAsync();
    }

    /// <summary>Polls the run through the restart: while EtlWeb is down the connection is refused.</summary>
    private async Task<RunDocument> WaitForEndAsync(long runId)
    {
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(90);
        while (true)
        {
            try
            {
                using var client = app.CreateClient();
                var run = await client.GetFromJsonAsync<RunDocument>(new Uri($"/api/runs/{runId}", UriKind.Relative));
                if (run is { Status: "Succeeded" or "Failed" or "Interrupted" or "Cancelled" or "TimedOut" })
                {
                    return run;
                }
            }
            catch (HttpRequestException)
            {
                // EtlWeb is between its stop and its next start.
            }

            Assert.True(TimeProvider.System.GetUtcNow() < deadline, $"run {runId} did not end");
            await Task.Delay(200);
        }
    }
}
