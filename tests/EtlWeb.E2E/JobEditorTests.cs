using System.Net.Http.Json;
using System.Text.Json;
using EtlWeb.Core.Jobs;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EtlWeb.E2E;

/// <summary>
/// The job editor in a real browser on a 1280x720 laptop screen, opened from the main screen's New and Edit
/// buttons. The browser is in New York so the cron preview has a second zone to show.
/// </summary>
public sealed class JobEditorTests(AppFixture app) : IClassFixture<AppFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => app.ServerLog.CheckAsync();

    [Fact]
    public async Task Create_a_shell_job_through_the_editor()
    {
        var page = await OpenMainScreenAsync();
        await page.GetByTestId("job-new").ClickAsync();
        await Expect(page.GetByTestId("job-editor-title")).ToHaveTextAsync("New job");

        await page.GetByTestId("field-name").FillAsync("Say hello");
        await page.GetByTestId("field-description").FillAsync("Greets whoever reads the log");
        await page.GetByTestId("field-command").FillAsync("echo \"hello, $HELLO_TO\"");
        await Expect(page.GetByTestId("job-editor-save")).ToBeEnabledAsync();
        await AppFixture.ScreenshotAsync(page, "job-editor-basic");

        await Tab(page, "Execution").ClickAsync();
        await page.GetByTestId("env-add").ClickAsync();
        await page.GetByTestId("env-name").FillAsync("HELLO_TO");
        await page.GetByTestId("env-value").FillAsync("world");
        await page.GetByTestId("field-timeout").FillAsync("120");
        await page.GetByTestId("field-max-retries").FillAsync("2");
        await page.GetByTestId("field-retry-delay").FillAsync("30");
        await page.GetByTestId("field-retry-backoff").FillAsync("2");
        await Expect(page.GetByTestId("retry-plan")).ToHaveTextAsync("Waits before each retry: 30 s, 1 min.");
        await AppFixture.ScreenshotAsync(page, "job-editor-execution");

        await Tab(page, "Schedule").ClickAsync();
        await page.GetByTestId("field-schedule-type").GetByText("Cron").ClickAsync();
        await page.GetByTestId("field-cron").FillAsync("*/15 * * * *");
        await PickTimeZoneAsync(page, "Europe/London");
        await Expect(page.GetByTestId("cron-words")).ToHaveTextAsync("Every 15 minutes");
        await Expect(page.GetByTestId("cron-fires").Locator("tbody tr")).ToHaveCountAsync(5);
        await Expect(page.GetByTestId("cron-fires").Locator("th").Nth(1)).ToHaveTextAsync("In your browser's zone (America/New_York)");
        await AppFixture.ScreenshotAsync(page, "job-editor-schedule");

        await Tab(page, "Notifications").ClickAsync();
        await page.GetByTestId("field-notify-email").FillAsync("ops@example.com");
        await AppFixture.ScreenshotAsync(page, "job-editor-notifications");

        await SaveAsync(page);
        await Expect(page.GetByTestId("job-row-Say hello")).ToBeVisibleAsync();

        var job = await JobAsync("Say hello");
        Assert.Equal("shell", job.JobType);
        Assert.Equal("echo \"hello, $HELLO_TO\"", job.Command);
        Assert.Equal("world", job.Environment!.Value.Deserialize<Dictionary<string, string>>()!["HELLO_TO"]);
        Assert.Equal(120, job.TimeoutSeconds);
        Assert.Equal(2, job.MaxRetries);
        Assert.Equal("cron", job.ScheduleType);
        Assert.Equal("*/15 * * * *", job.CronExpression);
        Assert.Equal("Europe/London", job.TimeZone);
        Assert.Equal("ops@example.com", job.NotifyEmail);
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task The_untouched_new_job_dialog_shows_no_error_until_save_is_pressed()
    {
        var page = await OpenMainScreenAsync();
        await page.GetByTestId("job-new").ClickAsync();
        await Expect(page.GetByTestId("job-editor-title")).ToHaveTextAsync("New job");
        await Expect(page.GetByTestId("field-name")).ToBeFocusedAsync();
        var editor = page.GetByTestId("job-editor");
        var errors = page.Locator(".mud-dialog .mud-input-error");

        await Expect(page.GetByTestId("job-editor-save")).ToBeEnabledAsync();
        await Expect(errors).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("job-editor-problems")).ToHaveCountAsync(0);
        await Expect(editor.Locator(".mud-badge")).ToHaveCountAsync(0);
        await AppFixture.ScreenshotAsync(page, "job-editor-new-untouched");

        await page.GetByTestId("job-editor-save").ClickAsync();

        await Expect(page.Locator(".mud-input-control", new() { Has = page.GetByTestId("field-name") }).Locator(".mud-input-error .me-auto"))
            .ToHaveTextAsync("Name is required.");
        await Expect(page.GetByTestId("job-editor-problems")).ToHaveTextAsync("2 fields to fix");
        await Expect(page.GetByTestId("job-editor-save")).ToBeDisabledAsync();
        await AppFixture.ScreenshotAsync(page, "job-editor-new-save-pressed");

        await page.GetByTestId("field-name").FillAsync("Touched");
        await page.GetByTestId("field-command").FillAsync("true");
        await Expect(errors).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("job-editor-save")).ToBeEnabledAsync();
        await page.GetByTestId("job-editor-cancel").ClickAsync();
        await Expect(editor).ToHaveCountAsync(0);
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task An_invalid_cron_shows_its_message_and_save_stays_disabled()
    {
        var page = await OpenMainScreenAsync();
        await page.GetByTestId("job-new").ClickAsync();
        await page.GetByTestId("field-name").FillAsync("Bad cron");
        await page.GetByTestId("field-command").FillAsync("true");
        await Tab(page, "Schedule").ClickAsync();
        await page.GetByTestId("field-schedule-type").GetByText("Cron").ClickAsync();

        await page.GetByTestId("field-cron").FillAsync("61 * * * *");

        var field = page.Locator(".mud-input-control", new() { Has = page.GetByTestId("field-cron") });
        await Expect(field.Locator(".mud-input-helper-text.mud-input-error"))
            .ToContainTextAsync("'61 * * * *' is not a valid cron expression");
        await Expect(Tab(page, "Schedule").Locator(".mud-badge")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("job-editor-save")).ToBeDisabledAsync();
        await Expect(page.GetByTestId("cron-fires")).ToHaveCountAsync(0);
        await AppFixture.ScreenshotAsync(page, "job-editor-invalid-cron");

        await page.GetByTestId("field-cron").FillAsync("0 6 * * 1-5");
        await Expect(page.GetByTestId("cron-words")).ToHaveTextAsync("At 06:00, Monday through Friday");
        await Expect(page.GetByTestId("job-editor-save")).ToBeEnabledAsync();

        await page.GetByTestId("field-schedule-type").GetByText("Interval").ClickAsync();
        await page.GetByTestId("field-interval").FillAsync("0");
        await Expect(page.Locator(".mud-input-control", new() { Has = page.GetByTestId("field-interval") }).Locator(".mud-input-error .me-auto"))
            .ToHaveTextAsync("Interval must be at least 1 minute.");
        await page.GetByTestId("field-interval").FillAsync("30");
        await Expect(page.GetByTestId("job-editor-save")).ToBeEnabledAsync();
        await AppFixture.ScreenshotAsync(page, "job-editor-interval");
        await page.GetByTestId("job-editor-cancel").ClickAsync();
        await Expect(page.GetByTestId("job-editor")).ToHaveCountAsync(0);
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task Editing_a_job()
    {
        await app.CreateJobAsync(new { name = "Extract orders", job_type = "shell", command = "echo extract" });
        await app.CreateJobAsync(new
        {
            name = "Load warehouse",
            job_type = "python",
            command = "load.py --full",
            environment = new Dictionary<string, string> { ["PGHOST"] = "db", ["PGPASSWORD"] = "hunter2" },
            secret_environment = new[] { "PGPASSWORD" },
            schedule_type = "cron",
            cron_expression = "0 2 * * *",
            time_zone = "Europe/Paris",
            dependencies = new[] { "Extract orders" },
        });
        var page = await OpenMainScreenAsync();

        await page.GetByTestId("job-row-Load warehouse").ClickAsync();
        await page.GetByTestId("job-edit").ClickAsync();

        await Expect(page.GetByTestId("job-editor-title")).ToHaveTextAsync("Edit job: Load warehouse");
        await Expect(page.GetByTestId("field-name")).ToHaveValueAsync("Load warehouse");
        await Expect(page.GetByTestId("field-interpreter")).ToHaveAttributeAsync("placeholder", "python3");
        await Tab(page, "Execution").ClickAsync();
        var secret = page.GetByTestId("env-value").Nth(1);
        await Expect(secret).ToHaveAttributeAsync("placeholder", "•••• (stored)");
        await Expect(secret).ToHaveValueAsync("");
        Assert.DoesNotContain("hunter2", await page.ContentAsync(), StringComparison.Ordinal);
        await page.GetByTestId("field-timeout").FillAsync("900");

        await Tab(page, "Schedule").ClickAsync();
        await Expect(page.GetByTestId("cron-words")).ToHaveTextAsync("At 02:00");
        await page.GetByTestId("field-cron").FillAsync("30 3 * * *");
        await Expect(page.GetByTestId("cron-words")).ToHaveTextAsync("At 03:30");

        await Tab(page, "Dependencies").ClickAsync();
        await Expect(page.GetByTestId("dependencies-selected")).ToContainTextAsync("Extract orders");
        await page.GetByTestId("link-when-Extract orders").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = "Always" }).ClickAsync();
        await page.GetByTestId("link-condition-Extract orders").FillAsync("rows > 0");
        await page.GetByTestId("link-condition-Extract orders").BlurAsync();
        await AppFixture.ScreenshotAsync(page, "job-editor-edit-dependencies");

        await SaveAsync(page);

        var job = await JobAsync("Load warehouse");
        Assert.Equal(900, job.TimeoutSeconds);
        Assert.Equal("30 3 * * *", job.CronExpression);
        Assert.Equal("Europe/Paris", job.TimeZone);
        Assert.Equal(["PGPASSWORD"], job.SecretEnvironment!);
        Assert.Equal([new DependencyDocument { Job = "Extract orders", When = "always", Condition = "rows > 0" }], job.Dependencies!);
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task A_dependency_that_closes_a_cycle_is_refused_with_the_cycle()
    {
        await app.CreateJobAsync(new { name = "Stage A", job_type = "shell", command = "true" });
        await app.CreateJobAsync(new { name = "Stage B", job_type = "shell", command = "true", dependencies = new[] { "Stage A" } });
        var page = await OpenMainScreenAsync();
        await page.GetByTestId("job-row-Stage A").ClickAsync();
        await page.GetByTestId("job-edit").ClickAsync();
        await Tab(page, "Dependencies").ClickAsync();

        await page.GetByTestId("dependencies-filter").FillAsync("Stage");
        await page.GetByTestId("dependency-Stage B").Locator("input").ClickAsync();

        await Expect(page.GetByTestId("dependency-refused"))
            .ToContainTextAsync("'Stage B' was not added. These dependencies form a cycle: Stage A -> Stage B -> Stage A.");
        await Expect(page.GetByTestId("dependency-Stage B").Locator("input")).Not.ToBeCheckedAsync();
        await Expect(page.GetByTestId("dependencies-selected")).ToContainTextAsync("No upstream jobs.");
        await AppFixture.ScreenshotAsync(page, "job-editor-cycle-refused");
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task An_inline_python_script_is_coloured_and_saved_in_dark_mode()
    {
        var page = await OpenMainScreenAsync();
        await page.GetByTestId("dark-toggle").ClickAsync();
        await page.GetByTestId("job-new").ClickAsync();
        await page.GetByTestId("field-name").FillAsync("Inline python");
        await page.GetByTestId("field-job-type").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "Python" }).ClickAsync();
        await page.GetByTestId("field-run-mode").GetByText("Inline script").ClickAsync();

        var editor = page.Locator(".etl-script-host > .monaco-editor");
        await Expect(editor).ToBeVisibleAsync();
        await editor.ClickAsync();
        await page.Keyboard.TypeAsync("import sys\nprint('rows:', len(sys.argv))");

        // Monaco's Python grammar gives keywords, strings and identifiers their own token classes.
        var tokens = editor.Locator(".view-line span span");
        await Expect(tokens.Filter(new() { HasText = "import" })).ToHaveCountAsync(1);
        var classes = await tokens.EvaluateAllAsync<string[]>("spans => [...new Set(spans.map(s => s.className))]");
        Assert.True(classes.Length >= 3, string.Join(", ", classes));
        await AppFixture.ScreenshotAsync(page, "job-editor-script-dark");

        // The log viewer loads xterm (a UMD script) by a <script> tag; Monaco's AMD loader must not capture it.
        Assert.True(await page.EvaluateAsync<bool>("""
            () => new Promise(resolve => {
              const script = document.createElement("script");
              script.src = "lib/xterm/xterm.js";
              script.onload = () => resolve(typeof globalThis.Terminal === "function");
              script.onerror = () => resolve(false);
              document.head.appendChild(script);
            })
            """));

        await SaveAsync(page);
        var job = await JobAsync("Inline python");
        Assert.Equal("python", job.JobType);
        Assert.Equal("import sys\nprint('rows:', len(sys.argv))", job.Script);
        Assert.Equal("", job.Command);
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task Screenshots_of_every_tab_in_dark_mode_with_errors()
    {
        var page = await OpenMainScreenAsync();
        await page.GetByTestId("dark-toggle").ClickAsync();
        await page.GetByTestId("job-new").ClickAsync();
        await page.GetByTestId("field-name").FillAsync("Dark job");
        await page.GetByTestId("field-name").FillAsync("");
        await page.GetByTestId("field-command").FillAsync("true");
        await Expect(page.GetByTestId("job-editor-problems")).ToBeVisibleAsync();
        await AppFixture.ScreenshotAsync(page, "job-editor-dark-basic-error");

        await Tab(page, "Execution").ClickAsync();
        await page.GetByTestId("env-add").ClickAsync();
        await page.GetByTestId("env-name").FillAsync("API_TOKEN");
        await page.GetByTestId("env-value").FillAsync("abc");
        await page.GetByTestId("env-secret").ClickAsync();
        await page.GetByTestId("field-max-retries").FillAsync("12");
        await Expect(Tab(page, "Execution").Locator(".mud-badge")).ToHaveTextAsync("1");
        await AppFixture.ScreenshotAsync(page, "job-editor-dark-execution-error");
        await page.GetByTestId("env-view").GetByText("JSON").ClickAsync();
        await page.GetByTestId("env-json").FillAsync("{ \"PGHOST\": \"db.internal\", \"PGPORT\": 5432 }");
        await Expect(page.GetByTestId("env-error")).ToHaveTextAsync("The value of 'PGPORT' must be a string, not a number.");
        await AppFixture.ScreenshotAsync(page, "job-editor-dark-environment-json");

        await Tab(page, "Schedule").ClickAsync();
        await page.GetByTestId("field-schedule-type").GetByText("Cron").ClickAsync();
        await page.GetByTestId("field-cron").FillAsync("0 0 6 * * 1-5");
        await Expect(page.GetByTestId("cron-fires").Locator("tbody tr")).ToHaveCountAsync(5);
        await Expect(page.GetByTestId("job-editor-status")).Not.ToContainTextAsync("Checking");
        await AppFixture.ScreenshotAsync(page, "job-editor-dark-schedule");

        await Tab(page, "Dependencies").ClickAsync();
        await AppFixture.ScreenshotAsync(page, "job-editor-dark-dependencies");
        await Tab(page, "Notifications").ClickAsync();
        await AppFixture.ScreenshotAsync(page, "job-editor-dark-notifications");

        // The dialog fits the 720 px high screen: the page itself never scrolls.
        var box = await page.Locator(".mud-dialog").BoundingBoxAsync();
        Assert.NotNull(box);
        Assert.True(box.Y >= 0 && box.Y + box.Height <= 720, $"dialog at {box.Y}..{box.Y + box.Height}");
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task A_cron_with_both_day_fields_set_is_worded_as_either_and_its_preview_gives_each_fires_reason()
    {
        var page = await OpenMainScreenAsync();
        await page.GetByTestId("job-new").ClickAsync();
        await page.GetByTestId("field-name").FillAsync("Twice monthly and Wednesdays");
        await page.GetByTestId("field-command").FillAsync("echo load");
        await Tab(page, "Schedule").ClickAsync();
        await page.GetByTestId("field-schedule-type").GetByText("Cron").ClickAsync();
        await page.GetByTestId("field-cron").FillAsync("0 0 1,15 * 3");
        await PickTimeZoneAsync(page, "Europe/London");

        await Expect(page.GetByTestId("cron-words")).ToHaveTextAsync("At 00:00, on day 1 and 15 of the month, and on Wednesday");
        await Expect(page.GetByTestId("cron-either-day")).ToContainTextAsync("either one is enough");
        await Expect(page.GetByTestId("cron-fire-reason")).ToHaveCountAsync(5);
        var reasons = await page.GetByTestId("cron-fire-reason").AllInnerTextsAsync();
        Assert.All(reasons, r => Assert.Contains(r, new[] { "the day of the month", "the weekday", "both" }));
        Assert.Contains(reasons, r => r is "the weekday" or "both");
        await AppFixture.ScreenshotAsync(page, "job-editor-cron-either-day");
        await page.Context.DisposeAsync();
    }

    private async Task<IPage> OpenMainScreenAsync()
    {
        var context = await app.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            StorageState = app.AdminSession,
            BaseURL = app.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 720 },
            TimezoneId = "America/New_York",
        });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        await AppFixture.GotoAsync(page, "/");
        return page;
    }

    private static ILocator Tab(IPage page, string name) =>
        page.GetByTestId("job-editor-tabs").GetByRole(AriaRole.Tab, new() { Name = name });

    private static async Task PickTimeZoneAsync(IPage page, string zone)
    {
        await page.GetByTestId("field-time-zone").FillAsync(zone.Split('/')[1]);
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = zone }).First.ClickAsync();
        await Expect(page.GetByTestId("field-time-zone")).ToHaveValueAsync(zone);
    }

    private static async Task SaveAsync(IPage page)
    {
        var save = page.GetByTestId("job-editor-save");
        await Expect(save).ToBeEnabledAsync();
        await save.ClickAsync();
        await Expect(page.GetByTestId("job-editor")).ToHaveCountAsync(0);
    }

    private async Task<JobDocument> JobAsync(string name)
    {
        using var client = app.CreateClient();
        var jobs = await client.GetFromJsonAsync<List<JobDocument>>(new Uri("/api/jobs", UriKind.Relative));
        return jobs!.Single(j => j.Name == name);
    }
}
