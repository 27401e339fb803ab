using System.Diagnostics;
using System.Text.Json.Nodes;
using EtlWeb.Bench.Infrastructure;
using EtlWeb.Testing;
using Microsoft.Playwright;

namespace EtlWeb.Bench.Scale;

/// <summary>
/// Headless Chromium signed in as an Admin of the app under test: times from navigation to the first content a person
/// sees on a page, and the server's resident memory as browser tabs (each its own Blazor circuit) are opened.
/// </summary>
public sealed class ScaleBrowser : IAsyncDisposable
{
    /// <summary>The first job row of the main screen's list.</summary>
    public const string JobRow = "[data-testid^='job-row-']";

    /// <summary>A run's link in the first column of the runs page's table.</summary>
    public const string RunRow = "[data-testid='runs-table'] tbody tr a[href^='/runs/']";

    /// <summary>The dashboard's first tile, drawn once its figures are read (a progress bar stands there before).</summary>
    public const string DashboardTile = "[data-testid='stat-running']";

    /// <summary>The designer's diagram, fitted on screen.</summary>
    public const string Diagram = "[data-diagram-ready=true]";

    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly IBrowserContext _context;
    private readonly List<IPage> _tabs = [];

    private ScaleBrowser(IPlaywright playwright, IBrowser browser, IBrowserContext context)
    {
        _playwright = playwright;
        _browser = browser;
        _context = context;
    }

    /// <summary>Creates an Admin user "bench" through the API, launches Chromium and signs in.</summary>
    public static async Task<ScaleBrowser> StartAsync(Uri address)
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        await BrowserSignIn.CreateUserAsync(address, "bench", "Admin");
        var signedIn = await BrowserSignIn.SignInAsync(browser, address, "bench");
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = address.ToString(),
            ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
            StorageState = signedIn,
        });
        return new ScaleBrowser(playwright, browser, context);
    }

    /// <summary>Opens a tab (a new page of the signed-in context) without navigating it.</summary>
    public async Task<IPage> OpenTabAsync()
    {
        var page = await _context.NewPageAsync();
        _tabs.Add(page);
        return page;
    }

    /// <summary>
    /// Milliseconds from the start of the navigation to <paramref name="path"/> until <paramref name="content"/> is visible,
    /// or null when it was not within <paramref name="timeout"/>.
    /// </summary>
    public static async Task<double?> TimeToContentAsync(IPage page, string path, string content, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            await page.GotoAsync(path, new PageGotoOptions { Timeout = (float)timeout.TotalMilliseconds });
            var left = timeout - watch.Elapsed;
            await page.Locator(content).First.WaitForAsync(new LocatorWaitForOptions { Timeout = (float)Math.Max(1, left.TotalMilliseconds) });
            return watch.Elapsed.TotalMilliseconds;
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    /// <summary>Navigates to <paramref name="path"/> and waits until <paramref name="content"/> is visible; throws when it is not in time.</summary>
    public static async Task ShowAsync(IPage page, string path, string content, TimeSpan timeout)
    {
        if (await TimeToContentAsync(page, path, content, timeout) is null)
        {
            throw new TimeoutException($"{path} showed no {content} within {timeout.TotalSeconds} s.");
        }
    }

    /// <summary>
    /// Opens <paramref name="page"/> <paramref name="times"/> times; writes the first (cold) time as <c>{name}_first_ms</c>
    /// and the median of the others as <c>{name}_ms_p50</c> (once only: <c>{name}_ms</c>). A time-out counts as missing,
    /// and their number is written as <c>{name}_timeouts</c>.
    /// </summary>
    public static async Task MeasureAsync(IPage page, string path, string content, string name, int times, TimeSpan timeout, JsonObject result)
    {
        var later = new List<double>();
        var timeouts = 0;
        for (var i = 0; i < times; i++)
        {
            var ms = await TimeToContentAsync(page, path, content, timeout);
            timeouts += ms is null ? 1 : 0;
            if (i == 0)
            {
                result[times > 1 ? $"{name}_first_ms" : $"{name}_ms"] = ms is { } first ? Stats.Round(first) : null;
            }
            else if (ms is { } value)
            {
                later.Add(value);
            }
        }

        if (times > 1)
        {
            result[$"{name}_ms_p50"] = later.Count > 0 ? Stats.Round(Stats.Percentile(later, 0.5)) : null;
        }

        result[$"{name}_timeouts"] = timeouts;
        await Console.Error.WriteLineAsync($"scale: {name} measured ({timeouts} time-outs)");
    }

    /// <summary>
    /// Opens <paramref name="count"/> more tabs on <paramref name="path"/>, each until it shows <paramref name="content"/>;
    /// returns the server's resident memory in MB before and after (each read after a short settle, nothing forced).
    /// </summary>
    public async Task<(double Before, double After)> ExtraTabsAsync(int pid, string path, string content, int count, TimeSpan timeout)
    {
        var before = await SettledMegabytesAsync(pid);
        for (var i = 0; i < count; i++)
        {
            await ShowAsync(await OpenTabAsync(), path, content, timeout);
        }

        return (before, await SettledMegabytesAsync(pid));
    }

    /// <summary>Closes every tab this browser opened.</summary>
    public async Task CloseTabsAsync()
    {
        foreach (var page in _tabs)
        {
            await page.CloseAsync();
        }

        _tabs.Clear();
    }

    /// <summary>The process's resident memory in MB, read after a short settle.</summary>
    public static async Task<double> SettledMegabytesAsync(int pid)
    {
        await Task.Delay(Settle);
        return Stats.Round(ProcFs.ResidentBytes(pid) / (1024.0 * 1024.0));
    }

    public async ValueTask DisposeAsync()
    {
        await _context.DisposeAsync();
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
