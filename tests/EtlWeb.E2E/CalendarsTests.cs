using System.Globalization;
using System.Net.Http.Json;
using EtlWeb.Core.Jobs;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EtlWeb.E2E;

/// <summary>The Calendars page (days by hand and from an .ics file) and a cron job whose preview moves a fire off a calendar day.</summary>
public sealed class CalendarsTests(AppFixture app) : IClassFixture<AppFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.ServerLog.CheckAsync();

    [Fact]
    public async Task A_calendar_filled_by_hand_and_from_an_ics_file_moves_a_jobs_fire_in_the_cron_preview()
    {
        // Tomorrow in the server's zone (the job's, as it names none) is a calendar day; the job fires on tomorrow's weekday.
        var tomorrow = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(TimeProvider.System.GetUtcNow(), TimeZoneInfo.Local).DateTime).AddDays(1);
        var day = tomorrow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var page = await app.NewPageAsync();
        await AppFixture.GotoAsync(page, "/calendars");
        await Expect(page.GetByTestId("calendars-empty")).ToBeVisibleAsync();

        await page.GetByTestId("calendar-add").ClickAsync();
        var dialog = page.GetByTestId("calendar-dialog");
        await dialog.GetByLabel("Name").FillAsync("holidays");
        await dialog.GetByLabel("Description").FillAsync("Office closed");
        foreach (var date in new[] { day, "2026-12-25" })
        {
            var picker = dialog.Locator("[data-testid=calendar-day-picker] input, input[data-testid=calendar-day-picker]").First;
            await picker.FillAsync(date);
            await picker.PressAsync("Tab");
            await page.GetByTestId("calendar-day-add").ClickAsync();
            await Expect(dialog.GetByTestId($"day-{date}")).ToBeVisibleAsync();
        }

        await AppFixture.ScreenshotAsync(page, "calendar-dialog");
        await page.GetByTestId("calendar-save").ClickAsync();
        var card = page.GetByTestId("calendar-holidays");
        await Expect(card).ToContainTextAsync("2 days");

        await card.Locator("input[type=file]").SetInputFilesAsync(Path.Combine(AppFixture.RepositoryRoot, "tests", "fixtures", "calendars", "holidays-2027.ics"));
        await Expect(page.Locator(".mud-snackbar", new() { HasText = "holidays-2027.ics:" })).ToContainTextAsync("added to 'holidays'");
        await Expect(card.GetByTestId("day-2027-12-29")).ToBeVisibleAsync();
        await AppFixture.ScreenshotAsync(page, "calendars-page");

        await AppFixture.GotoAsync(page, "/");
        await page.GetByTestId("job-new").ClickAsync();
        await page.GetByTestId("field-name").FillAsync("Weekly close");
        await page.GetByTestId("field-command").FillAsync("echo close");
        await page.GetByTestId("job-editor-tabs").GetByRole(AriaRole.Tab, new() { Name = "Schedule" }).ClickAsync();
        await page.GetByTestId("field-schedule-type").GetByText("Cron").ClickAsync();
        await page.GetByTestId("field-cron").FillAsync($"0 2 * * {(int)tomorrow.DayOfWeek}");
        await page.GetByTestId("field-calendar").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "holidays" }).ClickAsync();
        await page.GetByTestId("field-calendar-rule").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "Move to the next day" }).ClickAsync();
        var moved = page.GetByTestId("cron-fire-moved");
        await Expect(moved).ToHaveCountAsync(1);
        await Expect(moved).ToHaveTextAsync($"moved from {tomorrow.ToString("ddd d MMM", CultureInfo.InvariantCulture)} 02:00");
        await Expect(page.GetByTestId("cron-calendar")).ToContainTextAsync("With calendar 'holidays'");
        await AppFixture.ScreenshotAsync(page, "job-editor-schedule-calendar");
        await page.GetByTestId("job-editor-save").ClickAsync();
        await Expect(page.GetByTestId("job-editor")).ToHaveCountAsync(0);

        using var client = app.CreateClient();
        var job = (await client.GetFromJsonAsync<List<JobDocument>>(new Uri("/api/jobs", UriKind.Relative)))!.Single(j => j.Name == "Weekly close");
        Assert.Equal(("holidays", "next_day"), (job.Calendar, job.CalendarRule));
        Assert.Equal(tomorrow.AddDays(1), DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(job.NextRunAt!.Value, TimeZoneInfo.Local).DateTime));
        await page.Context.DisposeAsync();
    }
}
