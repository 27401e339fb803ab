using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using EtlWeb.Core.Jobs;
using EtlWeb.Testing;
using Microsoft.Playwright;

namespace EtlWeb.E2E;

/// <summary>
/// The real EtlWeb (the build output's EtlWeb.dll) as a child process on a free loopback port with a fresh
/// data directory, and Debian's Chromium driven by Playwright. One per test class; disposed with it. A subclass may
/// give the process more settings and start more around it (<see cref="ClusterFixture"/>). EtlWeb's output is kept
/// (<see cref="E2E.ServerLog"/>): each test class checks it after each test, and the fixture once more when it is disposed.
/// </summary>
public class AppFixture : IAsyncLifetime
{
    // Playwright's expect timeout is one process-wide value: set here once, before any test class runs, so it does
    // not depend on which class happens to start first. Assertions wait as long as actions do (15 s), since a busy
    // build machine can take seconds to render.
    static AppFixture() => Assertions.SetDefaultExpectTimeout(15_000);

    private static readonly string[] ChromiumFlags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
    ];

    private Process? _app;
    private IPlaywright? _playwright;

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "etlweb-e2e", Guid.NewGuid().ToString("N"));

    public Uri BaseAddress { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>What EtlWeb's processes printed; a test class calls <see cref="ServerLog.CheckAsync"/> after each test.</summary>
    public ServerLog ServerLog { get; } = new();

    /// <summary>The Admin every page of <see cref="NewPageAsync(int, int)"/> is signed in as.</summary>
    public const string AdminName = "admin";

    private readonly Dictionary<string, string> _sessions = [];

    /// <summary>The Admin's signed-in browser state (cookies), for a test that makes a context of its own.</summary>
    public string AdminSession => _sessions[AdminName];

    /// <summary>Where screenshots go: tests/EtlWeb.E2E/screenshots (generated, not committed).</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(SourceDirectory(), "screenshots");

    private static string SourceDirectory([System.Runtime.CompilerServices.CallerFilePath] string path = "") =>
        Path.GetDirectoryName(path) is { } directory && Directory.Exists(directory) ? directory : AppContext.BaseDirectory;

    public async Task InitializeAsync()
    {
        EtlWeb.Core.Execution.PrivateDirectory.Ensure(DataDirectory);
        BaseAddress = EtlWebChild.FreeAddress();
        // Every browser of every test signs in from 127.0.0.1: the per-address sign-in limit is not what these tests are about.
        var settings = new Dictionary<string, string> { ["EtlWeb__KillGraceSeconds"] = "1", ["EtlWeb__Auth__SignInsPerMinute"] = "1000" };
        foreach (var (name, value) in await PrepareAsync())
        {
            settings[name] = value;
        }

        // Chromium starts while EtlWeb does.
        var launch = LaunchBrowserAsync();
        _app = EtlWebChild.Start(DataDirectory, BaseAddress, settings, ServerLog.Keep("etlweb"), launcher: Launcher);
        try
        {
            await WaitHealthyAsync(_app, BaseAddress);
        }
        finally
        {
            await launch;
        }

        await BrowserSignIn.CreateUserAsync(BaseAddress, AdminName, "Admin");
        _sessions[AdminName] = await BrowserSignIn.SignInAsync(Browser, BaseAddress, AdminName);
    }

    private async Task LaunchBrowserAsync()
    {
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ChromiumFlags,
        });
    }

    /// <summary>A fresh page signed in as a new user of <paramref name="role"/> (named after it in lower case).</summary>
    public async Task<IPage> NewPageAsAsync(string role, int width = 1440, int height = 900)
    {
        var name = role.ToLowerInvariant();
        if (!_sessions.TryGetValue(name, out var session))
        {
            await BrowserSignIn.CreateUserAsync(BaseAddress, name, role);
            session = await BrowserSignIn.SignInAsync(Browser, BaseAddress, name);
            _sessions[name] = session;
        }

        return await NewPageAsync(width, height, session);
    }

    /// <summary>A fresh page (own context) that nobody has signed in on.</summary>
    public Task<IPage> NewAnonymousPageAsync() => NewPageAsync(1440, 900, null);

    /// <summary>A fresh page (own context) at a 1440x900 viewport, signed in as the Admin; the test disposes the context.</summary>
    public Task<IPage> NewPageAsync(int width = 1440, int height = 900) => NewPageAsync(width, height, _sessions[AdminName]);

    private async Task<IPage> NewPageAsync(int width, int height, string? storageState)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            StorageState = storageState,
            BaseURL = BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            AcceptDownloads = true,
        });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    /// <summary>Opens a page and waits until its Blazor circuit is interactive.</summary>
    public static async Task GotoAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await page.Locator("[data-etl-ready=true]").WaitForAsync();
    }

    public HttpClient CreateClient() => EtlWebChild.CreateClient(BaseAddress);

    /// <summary>Waits until an EtlWeb process is healthy; when it is not, fails with what it printed.</summary>
    protected async Task WaitHealthyAsync(Process process, Uri address)
    {
        try
        {
            await EtlWebChild.WaitHealthyAsync(process, address, TimeSpan.FromSeconds(60));
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            throw new InvalidOperationException($"{ex.Message}\n{ServerLog.Tail()}", ex);
        }
    }

    /// <summary>Creates a job through the API; returns its id.</summary>
    public async Task<int> CreateJobAsync(object document)
    {
        using var client = CreateClient();
        using var response = await client.PostAsJsonAsync(new Uri("/api/jobs", UriKind.Relative), document);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return System.Text.Json.JsonSerializer.Deserialize<JobDocument>(body)!.Id!.Value;
    }

    /// <summary>Triggers a run of the job through the API; returns the run's id.</summary>
    public async Task<long> RunJobAsync(int jobId)
    {
        using var client = CreateClient();
        using var response = await client.PostAsync(new Uri($"/api/jobs/{jobId}/run", UriKind.Relative), null);
        var body = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return body.GetProperty("run_id").GetInt64();
    }

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });
    }

    /// <summary>What starts "dotnet EtlWeb.dll", when not the fixture itself (the image's init).</summary>
    protected virtual IReadOnlyList<string>? Launcher => null;

    /// <summary>The repository's root, found from this source file's directory.</summary>
    public static string RepositoryRoot => Path.GetFullPath(Path.Combine(SourceDirectory(), "..", ".."));

    /// <summary>Runs before EtlWeb starts; returns settings (environment variables) to start it with.</summary>
    protected virtual Task<IReadOnlyDictionary<string, string>> PrepareAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>());

    public virtual async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_app is { HasExited: false })
        {
            _app.Kill(entireProcessTree: true);
            await _app.WaitForExitAsync();
        }

        _app?.Dispose();
        // The cgroups of attempts left running are named after this data directory, which nothing starts again.
        EtlWeb.Core.Execution.ResourceAccounting.Detect(useCgroups: true, Path.GetFullPath(DataDirectory)).RemoveStale(new HashSet<long>());
        if (Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }

        // Errors logged after the last test's check (as its pages closed) fail the class.
        await ServerLog.CheckAsync();
    }
}
