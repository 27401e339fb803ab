using System.Net.Http.Json;
using EtlWeb.Core.Jobs;
using EtlWeb.Features.Runs;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EtlWeb.E2E;

/// <summary>EtlWeb with cgroups turned off, as on a machine that gives it none: memory limits are measured but not enforced.</summary>
public sealed class NoCgroupAppFixture : AppFixture
{
    protected override Task<IReadOnlyDictionary<string, string>> PrepareAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string> { ["EtlWeb__UseCgroups"] = "false" });
}

/// <summary>What a run costs and what it may take, in the browser: pools on the Settings page, the editor's Resources tab, the figures.</summary>
public sealed class ResourcesTests(NoCgroupAppFixture app) : IClassFixture<NoCgroupAppFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => app.ServerLog.CheckAsync();

    [Fact]
    public async Task An_admin_adds_a_pool_gives_a_job_limits_and_a_pool_and_a_queued_run_says_it_waits_for_the_pool()
    {
        var page = await app.NewPageAsync();
        await AppFixture.GotoAsync(page, "/settings");
        await page.GetByTestId("pool-new-name").FillAsync("warehouse");
        await page.GetByTestId("pool-new-slots").FillAsync("1");
        await page.GetByTestId("pool-add").ClickAsync();
        var row = page.GetByTestId("pool-warehouse");
        await Expect(row.GetByTestId("pool-used")).ToHaveTextAsync("0 of 1");
        await page.GetByTestId("pool-new-name").FillAsync("bad name");
        await page.GetByTestId("pool-add").ClickAsync();
        await Expect(page.GetByTestId("settings-pools")).ToContainTextAsync("is not a pool name");
        await page.GetByTestId("settings-pools").ScrollIntoViewIfNeededAsync();
        await AppFixture.ScreenshotAsync(page, "settings-pools");

        var gate = Path.Combine(app.DataDirectory, "go-first");
        var first = await app.CreateJobAsync(new { name = "Pool first", job_type = "shell", command = $"while [ ! -e '{gate}' ]; do sleep 0.05; done", pool = "warehouse" });
        var second = await app.CreateJobAsync(new { name = "Pool second", job_type = "shell", command = "echo second" });
        await AppFixture.GotoAsync(page, $"/?job={second}");
        await page.GetByTestId("job-edit").ClickAsync();
        await page.GetByTestId("job-editor-tabs").GetByRole(AriaRole.Tab, new() { Name = "Resources" }).ClickAsync();
        await page.GetByTestId("field-memory-limit").FillAsync("64");
        await Expect(page.GetByTestId("memory-limit-unavailable")).ToContainTextAsync("cannot enforce a memory limit");
        await page.GetByTestId("field-stall-timeout").FillAsync("600");
        await page.GetByTestId("field-pool").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").GetByText("warehouse (1 slot)").ClickAsync();
        await page.GetByTestId("field-priority").FillAsync("5");
        await page.GetByTestId("field-priority").BlurAsync();
        await AppFixture.ScreenshotAsync(page, "job-editor-resources");
        await page.GetByTestId("job-editor-save").ClickAsync();
        await Expect(page.GetByTestId("job-editor")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("detail-pool")).ToHaveTextAsync("warehouse (1 slot), priority 5");
        await Expect(page.GetByTestId("detail-limits")).ToHaveTextAsync("Memory 64 MiB");

        using var client = app.CreateClient();
        var job = await client.GetFromJsonAsync<JobDocument>(new Uri($"/api/jobs/{second}", UriKind.Relative));
        Assert.Equal((64, 600, "warehouse", 5), (job!.MemoryLimitMb, job.StallTimeoutSeconds, job.Pool, job.Priority));

        var blocking = await app.RunJobAsync(first);
        await WaitAsync(client, blocking, r => r.Status == "Running");
        var queued = await app.RunJobAsync(second);
        await AppFixture.GotoAsync(page, $"/runs/{queued}");
        await Expect(page.GetByTestId("run-waiting-for")).ToContainTextAsync("waiting for pool warehouse: 1 of 1 slots in use");
        await AppFixture.ScreenshotAsync(page, "run-waiting-for-pool");
        await File.WriteAllTextAsync(gate, "");
        await Expect(page.GetByTestId("run-status")).ToContainTextAsync("Succeeded", new() { Timeout = 30_000 });
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task The_run_page_and_recent_executions_show_what_each_attempt_used()
    {
        var id = await app.CreateJobAsync(new { name = "Hungry", job_type = "python", script = "import time\nblock = bytearray(80 * 1024 * 1024)\ntime.sleep(1)\nprint('done')" });
        using var client = app.CreateClient();
        var runs = new List<long>();
        for (var i = 0; i < 2; i++)
        {
            runs.Add(await app.RunJobAsync(id));
            await WaitAsync(client, runs[^1], r => r.FinishedAt is not null);
        }

        var page = await app.NewPageAsync();
        await AppFixture.GotoAsync(page, $"/runs/{runs[^1]}");
        await Expect(page.GetByTestId("attempt-memory")).ToContainTextAsync("MiB");
        await Expect(page.GetByTestId("attempt-cpu")).ToContainTextAsync(" s");
        await AppFixture.ScreenshotAsync(page, "run-page-resources");

        await AppFixture.GotoAsync(page, $"/?job={id}&tab=runs");
        await Expect(page.GetByTestId("memory-trend")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("run-memory").First).ToContainTextAsync("MiB");
        await AppFixture.ScreenshotAsync(page, "recent-executions-trends");
        await page.Context.DisposeAsync();
    }

    private static async Task<RunDocument> WaitAsync(HttpClient client, long runId, Func<RunDocument, bool> done)
    {
        for (var i = 0; i < 600; i++)
        {
            var run = await client.GetFromJsonAsync<RunDocument>(new Uri($"/api/runs/{runId}", UriKind.Relative));
            if (done(run!))
            {
                return run!;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"Run {runId} did not get there.");
        return null!;
    }
}
