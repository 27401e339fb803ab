using System.Net.Http.Json;
using System.Text.Json;
using EtlWeb.Features.Backfills;
using EtlWeb.Features.Runs;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EtlWeb.E2E;

/// <summary>Parameters, the run form and backfills, as a person uses them in the browser.</summary>
public sealed class RunParametersTests(AppFixture app) : IClassFixture<AppFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => app.ServerLog.CheckAsync();

    [Fact]
    public async Task The_run_form_refuses_a_bad_date_at_the_field_then_starts_the_run_and_the_run_page_shows_the_values()
    {
        await app.CreateJobAsync(new
        {
            name = "Load a day",
            job_type = "shell",
            command = "echo \"loading $ETL_PARAM_DAY for $ETL_PARAM_REGION, at most $ETL_PARAM_LIMIT\"",
            parameters = new object[]
            {
                new { name = "day", type = "date", required = true, @default = "{{ logical_date | add_days: -1 | date: '%Y-%m-%d' }}", description = "The day to load" },
                new { name = "region", type = "choice", choices = new[] { "eu", "us" }, @default = "eu" },
                new { name = "limit", type = "integer", @default = "100" },
            },
        });
        var page = await app.NewPageAsync();
        await AppFixture.GotoAsync(page, "/");
        await page.GetByPlaceholder("Search name, description, command").FillAsync("Load a day");
        await page.GetByTestId("job-row-Load a day").ClickAsync();
        await page.GetByTestId("job-run").ClickAsync();

        var dialog = page.GetByTestId("run-dialog");
        var day = dialog.GetByTestId("run-param-day").Locator("input");
        await Expect(day).ToHaveValueAsync(new System.Text.RegularExpressions.Regex(@"^\d{4}-\d{2}-\d{2}$"));
        await Expect(dialog.GetByTestId("run-param-limit").Locator("input")).ToHaveValueAsync("100");
        await AppFixture.ScreenshotAsync(page, "run-form");

        await day.FillAsync("2026-02-30");
        await day.PressAsync("Tab");
        await Expect(dialog.GetByTestId("run-param-day")).ToContainTextAsync("'2026-02-30' is not a date");
        await page.GetByTestId("run-dialog-start").ClickAsync();
        await Expect(dialog.GetByTestId("run-param-day")).ToContainTextAsync("'2026-02-30' is not a date");
        await Expect(page.GetByTestId("run-dialog-problems")).ToContainTextAsync("1 field to fix");
        await AppFixture.ScreenshotAsync(page, "run-form-bad-date");

        await day.FillAsync("2026-03-15");
        await day.PressAsync("Tab");
        await dialog.GetByTestId("run-param-region").Locator(".mud-select").First.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").GetByText("us", new() { Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("run-dialog-problems")).ToHaveCountAsync(0);
        await page.GetByTestId("run-dialog-start").ClickAsync();

        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"/runs/\d+$"));
        await Expect(page.GetByTestId("run-param-day")).ToContainTextAsync("day = 2026-03-15");
        await Expect(page.GetByTestId("run-param-region")).ToContainTextAsync("region = us");
        await Expect(page.GetByTestId("run-param-limit")).ToContainTextAsync("limit = 100");
        await Expect(page.GetByTestId("run-status")).ToContainTextAsync("Succeeded", new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("log-viewer")).ToContainTextAsync("loading 2026-03-15 for us, at most 100");
        await AppFixture.ScreenshotAsync(page, "run-page-parameters");

        // Run again with the same parameters: a new run with the same values and logical date.
        var first = long.Parse(page.Url.Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture);
        await page.GetByTestId("run-again").ClickAsync();
        await page.GetByTestId("run-again-same").ClickAsync();
        await Expect(page).Not.ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/runs/{first}$"));
        await Expect(page.GetByTestId("run-param-day")).ToContainTextAsync("day = 2026-03-15");
        await Expect(page.GetByTestId("run-status")).ToContainTextAsync("Succeeded", new() { Timeout = 30_000 });
        await Expect(page.Locator(".mud-popover-open")).ToHaveCountAsync(0);
        using var client = app.CreateClient();
        var again = await client.GetFromJsonAsync<RunDocument>(new Uri($"/api/runs/{page.Url.Split('/')[^1]}", UriKind.Relative));
        var original = await client.GetFromJsonAsync<RunDocument>(new Uri($"/api/runs/{first}", UriKind.Relative));
        Assert.Equal(original!.LogicalDate, again!.LogicalDate);
        Assert.Equal(JsonSerializer.Serialize(original.Params), JsonSerializer.Serialize(again.Params));
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task The_runs_page_filters_by_logical_date()
    {
        var job = await app.CreateJobAsync(new { name = "Monthly close", job_type = "shell", command = "true" });
        using var client = app.CreateClient();
        var ids = new List<long>();
        foreach (var day in new[] { "2026-01-15T02:00:00Z", "2026-02-15T02:00:00Z" })
        {
            using var response = await client.PostAsJsonAsync(new Uri($"/api/jobs/{job}/run", UriKind.Relative), new { logical_date = day });
            ids.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("run_id").GetInt64());
        }

        var page = await app.NewPageAsync();
        await AppFixture.GotoAsync(page, $"/runs?job={job}");
        var rows = page.GetByTestId("runs-table").Locator("tbody tr");
        await Expect(rows).ToHaveCountAsync(2);

        var inputs = page.GetByTestId("runs-filter-logical").Locator("input");
        await inputs.First.FillAsync("2026-01-01");
        await inputs.Last.FillAsync("2026-01-31");
        await inputs.Last.PressAsync("Tab");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync($"#{ids[0]}");
        await AppFixture.ScreenshotAsync(page, "runs-logical-date-filter");
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task A_parameter_declared_in_the_editor_names_a_bad_default_at_its_field_and_is_saved()
    {
        await app.CreateJobAsync(new { name = "Editor params", job_type = "shell", command = "true" });
        var page = await app.NewPageAsync();
        await AppFixture.GotoAsync(page, "/");
        await page.GetByPlaceholder("Search name, description, command").FillAsync("Editor params");
        await page.GetByTestId("job-row-Editor params").ClickAsync();
        await page.GetByTestId("job-edit").ClickAsync();
        await page.GetByRole(AriaRole.Tab, new() { Name = "Parameters" }).ClickAsync();
        await page.GetByTestId("parameter-add").ClickAsync();

        var row = page.GetByTestId("parameter-row");
        await row.GetByTestId("parameter-name").FillAsync("since");
        await row.GetByTestId("parameter-type").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").GetByText("date", new() { Exact = true }).ClickAsync();
        var @default = row.GetByTestId("parameter-default");
        var defaultField = row.Locator(".mud-input-control", new() { Has = page.GetByTestId("parameter-default") });
        await @default.FillAsync("yesterday");
        await @default.PressAsync("Tab");
        await Expect(defaultField).ToContainTextAsync("'yesterday' is not a date");
        await AppFixture.ScreenshotAsync(page, "editor-parameters-error");

        await @default.FillAsync("{{ logical_date | add_days: -1 | date: '%Y-%m-%d' }}");
        await @default.PressAsync("Tab");
        await Expect(defaultField).Not.ToContainTextAsync("is not a date");
        await page.GetByTestId("job-editor-save").ClickAsync();
        await Expect(page.GetByTestId("job-editor")).ToHaveCountAsync(0);

        using var client = app.CreateClient();
        var jobs = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/jobs", UriKind.Relative));
        var saved = jobs.EnumerateArray().Single(j => j.GetProperty("name").GetString() == "Editor params").GetProperty("parameters")[0];
        Assert.Equal(("since", "date"), (saved.GetProperty("name").GetString(), saved.GetProperty("type").GetString()));
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task A_backfill_started_from_the_jobs_page_shows_its_progress_and_can_be_cancelled()
    {
        var jobId = await app.CreateJobAsync(new
        {
            name = "Nightly load",
            job_type = "shell",
            command = "sleep 30",
            schedule_type = "cron",
            cron_expression = "0 2 * * *",
            time_zone = "Europe/Berlin",
        });
        var page = await app.NewPageAsync();
        await AppFixture.GotoAsync(page, "/");
        await page.GetByPlaceholder("Search name, description, command").FillAsync("Nightly load");
        await page.GetByTestId("job-row-Nightly load").ClickAsync();
        await page.GetByTestId("job-run-more").Locator("button").ClickAsync();
        await page.GetByTestId("job-backfill").ClickAsync();

        var dialog = page.GetByTestId("backfill-dialog");
        var from = dialog.GetByTestId("backfill-from").Locator("input");
        await from.FillAsync("2026-01-01");
        await from.PressAsync("Tab");
        var to = dialog.GetByTestId("backfill-to").Locator("input");
        await to.FillAsync("2026-01-10");
        await to.PressAsync("Tab");
        await dialog.GetByTestId("backfill-max-parallel").FillAsync("2");
        await page.GetByTestId("backfill-preview").ClickAsync();
        await Expect(page.GetByTestId("backfill-plan")).ToContainTextAsync("10 due times, 0 of them succeeded before; 10 will run, 2 at a time.");
        await Expect(page.GetByTestId("backfill-plan")).ToContainTextAsync("2026-01-01 02:00:00+01:00");
        await AppFixture.ScreenshotAsync(page, "backfill-dialog");

        await page.GetByTestId("backfill-start").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"/backfills/\d+$"));
        await Expect(page.GetByTestId("backfill-running")).ToContainTextAsync("2 running");
        await Expect(page.GetByTestId("backfill-waiting")).ToContainTextAsync("8 waiting");
        await Expect(page.GetByTestId("backfill-total")).ToContainTextAsync("of 10");
        await AppFixture.ScreenshotAsync(page, "backfill-page-running");

        await page.GetByTestId("backfill-cancel").ClickAsync();
        await Expect(page.GetByTestId("backfill-status")).ToContainTextAsync("Cancelled", new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("backfill-running")).ToContainTextAsync("0 running");
        await Expect(page.GetByTestId("backfill-cancelled")).ToContainTextAsync("2 cancelled");
        await AppFixture.ScreenshotAsync(page, "backfill-page-cancelled");

        using var client = app.CreateClient();
        var id = page.Url.Split('/')[^1];
        var backfill = await client.GetFromJsonAsync<BackfillDocument>(new Uri($"/api/backfills/{id}", UriKind.Relative));
        var runs = await client.GetFromJsonAsync<List<RunDocument>>(new Uri($"/api/runs?backfill_id={id}", UriKind.Relative));
        Assert.Equal("Cancelled", backfill!.Status);
        Assert.Equal(2, runs!.Count);
        Assert.All(runs, r => Assert.Equal("Cancelled", r.Status));

        // The job's details list its backfills, each a link to its page.
        await AppFixture.GotoAsync(page, $"/?job={jobId}");
        await Expect(page.GetByTestId($"job-backfill-{id}")).ToContainTextAsync("cancelled: 0 of 10 done");
        await page.Context.DisposeAsync();
    }
}
