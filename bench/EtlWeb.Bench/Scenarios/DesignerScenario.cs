using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using EtlWeb.Bench.Infrastructure;
using EtlWeb.Testing;
using Microsoft.Playwright;

namespace EtlWeb.Bench.Scenarios;

/// <summary>
/// The workflow designer with 300 jobs and 400 dependencies, opened in headless Chromium. Two figures per open:
/// the server's own time from the page's initialisation to the diagram fitted on screen (read from the page's
/// <c>data-render-ms</c>: reading the jobs, building the diagram model, the first render and the one browser round
/// trip that reports the canvas size), and the browser's time from navigation to the diagram-ready marker. The
/// baseline is the main screen's job list over the same jobs, navigation to interactive, in the same browser.
/// The first open also warms the server up (code compiled on first use), so it is reported apart from the median of the rest.
/// </summary>
public static class DesignerScenario
{
    private const int Jobs = 300;
    private const int Links = 400;
    private const int Opens = 7;

    public static async Task RunAsync(string dataDirectory, JsonObject result)
    {
        await using var app = await AppUnderTest.StartAsync(BenchSettings.AppDirectory(dataDirectory), BenchSettings.App());
        using (var api = new ApiClient(app.Address))
        {
            foreach (var (name, upstreams) in Catalogue())
            {
                await api.CreateShellJobAsync(name, "true", new Dictionary<string, object> { ["dependencies"] = upstreams });
            }
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        await BrowserSignIn.CreateUserAsync(app.Address, "bench", "Viewer");
        var signedIn = await BrowserSignIn.SignInAsync(browser, app.Address, "bench");
        var page = await browser.NewPageAsync(new BrowserNewPageOptions
        {
            BaseURL = app.Address.ToString(),
            ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
            StorageState = signedIn,
        });
        page.SetDefaultTimeout(120_000);

        var server = new List<double>();
        var browserTimes = new List<double>();
        var jobsPage = new List<double>();
        for (var i = 0; i < Opens; i++)
        {
            var (serverMs, browserMs) = await OpenDesignerAsync(page);
            if (i == 0)
            {
                result["first_open_server_ms"] = serverMs;
                result["first_open_browser_ms"] = Stats.Round(browserMs);
                continue;
            }

            server.Add(serverMs);
            browserTimes.Add(browserMs);
            jobsPage.Add(await OpenJobsPageAsync(page));
        }

        result["jobs"] = Jobs;
        result["links"] = Links;
        result["designer_server_ms_p50"] = Stats.Round(Stats.Percentile(server, 0.5));
        result["designer_browser_ms_p50"] = Stats.Round(Stats.Percentile(browserTimes, 0.5));
        result["baseline_jobs_page_browser_ms_p50"] = Stats.Round(Stats.Percentile(jobsPage, 0.5));
        result["designer_vs_jobs_page"] = Stats.Round(Stats.Percentile(browserTimes, 0.5) / Stats.Percentile(jobsPage, 0.5), 2);
        app.ReportLogHealth(result);
    }

    private static async Task<(double ServerMs, double BrowserMs)> OpenDesignerAsync(IPage page)
    {
        var watch = Stopwatch.StartNew();
        await page.GotoAsync("/designer");
        var ready = page.Locator("[data-diagram-ready=true]");
        await ready.WaitForAsync();
        var browserMs = watch.Elapsed.TotalMilliseconds;
        var serverMs = double.Parse(await ready.GetAttributeAsync("data-render-ms") ?? "NaN", CultureInfo.InvariantCulture);
        return (serverMs, browserMs);
    }

    private static async Task<double> OpenJobsPageAsync(IPage page)
    {
        var watch = Stopwatch.StartNew();
        await page.GotoAsync("/");
        await page.Locator("[data-etl-ready=true]").WaitForAsync();
        return watch.Elapsed.TotalMilliseconds;
    }

    /// <summary>300 jobs, each but the first few depending on one or two of the 40 before it: 400 edges, no cycle.</summary>
    private static IEnumerable<(string Name, string[] Upstreams)> Catalogue()
    {
        var random = new Random(3);
        var doubles = Links - (Jobs - 1);
        for (var i = 0; i < Jobs; i++)
        {
            var count = i == 0 ? 0 : i <= doubles + 1 ? Math.Min(2, i) : 1;
            var upstreams = Enumerable.Range(Math.Max(0, i - 40), Math.Min(i, 40)).OrderBy(_ => random.Next()).Take(count);
            yield return ($"designer-{i:D3}", [.. upstreams.Select(u => $"designer-{u:D3}")]);
        }
    }
}
