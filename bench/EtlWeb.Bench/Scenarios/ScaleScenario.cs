using System.Diagnostics;
using System.Text.Json.Nodes;
using EtlWeb.Bench.Infrastructure;
using EtlWeb.Bench.Scale;

namespace EtlWeb.Bench.Scenarios;

/// <summary>
/// EtlWeb with 10,000 jobs and 1,000,000 finished runs (written in SQL by <see cref="ScaleData"/> into the database the
/// app migrated, between two starts): the API reads (<see cref="ScaleApi"/>), then in headless Chromium the time from
/// navigation to content of the main screen, the runs page, the dashboard and the designer, and the server's resident
/// memory with one, two and 22 tabs open. Before that, the memory an extra tab costs is measured on a catalogue of five
/// jobs in an app of its own, as the figure was first taken.
/// </summary>
public static class ScaleScenario
{
    private const int SmallJobs = 5;
    private const int ExtraTabs = 20;
    private const int PageOpens = 5;
    private static readonly TimeSpan PageTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan DesignerTimeout = TimeSpan.FromMinutes(3);

    public static async Task RunAsync(string dataDirectory, JsonObject result)
    {
        await SmallCatalogueAsync(Path.Combine(dataDirectory, "small"), result);

        var appDirectory = BenchSettings.AppDirectory(dataDirectory);
        var settings = BenchSettings.App();

        // The runs go 90 days back, and by default runs older than 30 days are purged (in the background, meanwhile).
        settings["EtlWeb__Retention__Days"] = "0";

        // Started once so that it creates and migrates its database, and stopped before the rows are written.
        var migrating = await AppUnderTest.StartAsync(appDirectory, settings);
        await migrating.DisposeAsync();

        var watch = Stopwatch.StartNew();
        var database = Path.Combine(appDirectory, "etlweb.db");
        await ScaleData.GenerateAsync(database, TimeProvider.System.GetUtcNow());
        result["jobs"] = ScaleData.Jobs;
        result["runs"] = ScaleData.Runs;
        result["generate_s"] = Stats.Round(watch.Elapsed.TotalSeconds);
        result["db_mb"] = Stats.Round(Directory.GetFiles(appDirectory, "etlweb.db*").Sum(f => new FileInfo(f).Length) / (1024.0 * 1024.0));
        await Console.Error.WriteLineAsync($"scale: {ScaleData.Jobs} jobs and {ScaleData.Runs} runs written in {result["generate_s"]} s");

        watch.Restart();
        await using var app = await AppUnderTest.StartAsync(appDirectory, settings);
        result["startup_s"] = Stats.Round(watch.Elapsed.TotalSeconds);
        result["rss_mb_idle"] = await ScaleBrowser.SettledMegabytesAsync(app.Pid);

        await ScaleApi.MeasureAsync(app.Address, ScaleData.Jobs / 2, result);

        await using var browser = await ScaleBrowser.StartAsync(app.Address);
        var tab = await browser.OpenTabAsync();
        await ScaleBrowser.MeasureAsync(tab, "/", ScaleBrowser.JobRow, "main_screen", PageOpens, PageTimeout, result);
        await ScaleBrowser.MeasureAsync(tab, "/runs", ScaleBrowser.RunRow, "runs_page", PageOpens, PageTimeout, result);
        await ScaleBrowser.MeasureAsync(tab, "/dashboard", ScaleBrowser.DashboardTile, "dashboard", PageOpens, PageTimeout, result);

        // Memory before the designer: a designer that timed out may still be drawing for its circuit.
        await ScaleBrowser.ShowAsync(tab, "/", ScaleBrowser.JobRow, PageTimeout);
        result["rss_mb_one_tab"] = await ScaleBrowser.SettledMegabytesAsync(app.Pid);
        await ScaleBrowser.ShowAsync(await browser.OpenTabAsync(), "/dashboard", ScaleBrowser.DashboardTile, PageTimeout);
        var (twoTabs, extraTabs) = await browser.ExtraTabsAsync(app.Pid, "/", ScaleBrowser.JobRow, ExtraTabs, PageTimeout);
        result["rss_mb_two_tabs"] = twoTabs;
        result["rss_mb_22_tabs"] = extraTabs;
        result["rss_mb_per_extra_tab"] = Stats.Round((extraTabs - twoTabs) / ExtraTabs, 2);
        await browser.CloseTabsAsync();

        // Last and once: at this scale it may not be ready within minutes, and then it is reported as a time-out.
        await ScaleBrowser.MeasureAsync(await browser.OpenTabAsync(), "/designer", ScaleBrowser.Diagram, "designer", 1, DesignerTimeout, result);
        await browser.CloseTabsAsync();
        app.ReportLogHealth(result);
    }

    /// <summary>Five jobs, one tab on the main screen, then 20 more: the memory of a tab when the catalogue is small.</summary>
    private static async Task SmallCatalogueAsync(string dataDirectory, JsonObject result)
    {
        await using var app = await AppUnderTest.StartAsync(dataDirectory, BenchSettings.App());
        using (var api = new ApiClient(app.Address))
        {
            for (var i = 0; i < SmallJobs; i++)
            {
                await api.CreateShellJobAsync($"small-{i}", "true");
            }
        }

        await using var browser = await ScaleBrowser.StartAsync(app.Address);
        await ScaleBrowser.ShowAsync(await browser.OpenTabAsync(), "/", ScaleBrowser.JobRow, PageTimeout);
        var (oneTab, extraTabs) = await browser.ExtraTabsAsync(app.Pid, "/", ScaleBrowser.JobRow, ExtraTabs, PageTimeout);
        result["small_jobs"] = SmallJobs;
        result["small_rss_mb_one_tab"] = oneTab;
        result["small_rss_mb_21_tabs"] = extraTabs;
        result["small_rss_mb_per_extra_tab"] = Stats.Round((extraTabs - oneTab) / ExtraTabs, 2);
        await browser.CloseTabsAsync();
        app.ReportLogHealth(result, "_small");
    }
}
