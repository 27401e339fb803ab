using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using EtlWeb.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EtlWeb.Tests.Calendars;

/// <summary>Calendars on a real host with a fake clock: the scheduler, the next run and the fire timeline skip the days; .ics files fill them.</summary>
public sealed class CalendarScheduleTests
{
    private static EtlWebFactory FakeClockFactory(FakeTimeProvider clock) => new() { ConfigureServices = s => s.AddSingleton<TimeProvider>(clock) };

    private static string Fixture => Path.Combine(Repository.Root, "tests", "fixtures", "calendars", "holidays-2027.ics");

    [Fact]
    public async Task A_daily_job_does_not_fire_on_a_calendar_day_and_its_timeline_counts_that_day_as_the_calendars()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 24, 10, 0, 30, TimeSpan.Zero));
        await using var factory = FakeClockFactory(clock);
        using var client = factory.CreateClient();
        var (status, _) = await client.SendJsonAsync(HttpMethod.Post, "/api/calendars", """{"name": "holidays", "days": ["2026-12-25"]}""");
        Assert.Equal(HttpStatusCode.Created, status);
        var job = await client.CreateJobAsync(JobsClient.ShellJob("daily").With("schedule_type", "cron").With("cron_expression", "0 12 * * *").With("time_zone", "UTC")
            .With("calendar", "holidays"));

        clock.Advance(TimeSpan.FromHours(2));
        await client.WaitForRunsAsync(job, 1, r => r.FinishedAt is not null);
        Assert.Equal(new DateTimeOffset(2026, 12, 26, 12, 0, 0, TimeSpan.Zero), (await client.GetJobAsync(job.Id!.Value)).NextRunAt);
        clock.Advance(TimeSpan.FromDays(1));
        await factory.FiresSettledAsync(clock);
        Assert.Single(await client.RunsOfAsync(job));
        clock.Advance(TimeSpan.FromDays(1));
        var runs = await client.WaitForRunsAsync(job, 2, r => r.FinishedAt is not null);

        Assert.Equal([new DateTimeOffset(2026, 12, 24, 12, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 26, 12, 0, 0, TimeSpan.Zero)], runs.Select(r => r.LogicalDate).Order());
        var fires = (await client.GetJsonAsync($"/api/jobs/{job.Id}/fires?from=2026-12-24T00:00:00Z&to=2026-12-26T13:00:00Z"))!.AsArray();
        Assert.Equal(
            ["24 ran", "25 calendar: 25 Dec is in calendar 'holidays'", "26 ran"],
            fires.Select(f => $"{f!["due"]!.GetValue<DateTimeOffset>():dd} {(string)f["outcome"]!}{((string)f["outcome"]! == "calendar" ? $": {(string)f["detail"]!}" : "")}"));
    }

    [Fact]
    public async Task An_ics_file_adds_its_days_to_a_new_calendar_and_a_file_that_is_not_icalendar_writes_nothing()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2027, 1, 15, 9, 0, 0, TimeSpan.Zero));
        await using var factory = FakeClockFactory(clock);
        using var client = factory.CreateClient();

        var first = await UploadAsync(client, "uk", await File.ReadAllTextAsync(Fixture));
        var again = await UploadAsync(client, "uk", await File.ReadAllTextAsync(Fixture));

        // Six holidays, Christmas yearly from 2026 to 2031 (the window is a year back to five years ahead), five days of
        // shutdown (DTEND exclusive) and an overnight move counted on the day it starts.
        Assert.Equal((HttpStatusCode.OK, 18, "2026-12-25", "2031-12-25", true), (first.Status, (int)first.Body!["added"]!, (string)first.Body["first"]!, (string)first.Body["last"]!, (bool)first.Body["created"]!));
        Assert.Equal((0, 18, false), ((int)again.Body!["added"]!, (int)again.Body["days"]!, (bool)again.Body["created"]!));
        var days = (await client.GetJsonAsync("/api/calendars/uk"))!["days"]!.AsArray().Select(d => d!.GetValue<string>()).ToList();
        Assert.Contains("2027-06-11", days);
        Assert.DoesNotContain("2027-06-12", days);
        Assert.Equal(["2027-12-25", "2027-12-27", "2027-12-28", "2027-12-29", "2027-12-30", "2027-12-31"], days.Where(d => d.StartsWith("2027-12", StringComparison.Ordinal)));

        var (status, problem) = await UploadAsync(client, "other", "Subject,Start date\nNew Year,2027-01-01\n");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("The file is not iCalendar", JobsClient.ErrorsOf(problem, "ics").Single(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri("/api/calendars/other", UriKind.Relative))).StatusCode);
    }

    private static async Task<(HttpStatusCode Status, JsonNode? Body)> UploadAsync(HttpClient client, string name, string ics)
    {
        using var content = new StringContent(ics, Encoding.UTF8, "text/calendar");
        var response = await client.PostAsync(new Uri($"/api/calendars/{name}/ics", UriKind.Relative), content);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync()));
    }
}
