using System.Net;
using System.Text.Json.Nodes;
using EtlWeb.Security;
using EtlWeb.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace EtlWeb.Tests.Calendars;

/// <summary>The calendars API: days checked one by one, audited changes, no removal under a job, jobs naming only calendars that exist.</summary>
public sealed class CalendarsApiTests : HostTest
{
    private Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, JsonObject body) =>
        Client.SendJsonAsync(method, path, body.ToJsonString());

    private static JsonObject Calendar(string name, params string[] days) =>
        new() { ["name"] = name, ["description"] = "Bank holidays", ["days"] = new JsonArray([.. days.Select(d => (JsonNode?)d)]) };

    private static List<string> Days(JsonNode? calendar) => [.. calendar!["days"]!.AsArray().Select(d => d!.GetValue<string>())];

    [Fact]
    public async Task A_calendar_is_created_read_replaced_and_deleted_with_its_days_sorted_once_and_each_change_audited()
    {
        var (created, body) = await SendAsync(HttpMethod.Post, "/api/calendars", Calendar("holidays", "2026-12-26", "2026-12-25", "2026-12-25"));
        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Equal(["2026-12-25", "2026-12-26"], Days(body));

        var read = await Client.GetJsonAsync("/api/calendars/holidays");
        Assert.Equal(("holidays", "Bank holidays"), (read!["name"]!.GetValue<string>(), read["description"]!.GetValue<string>()));
        Assert.Equal(["2026-12-25", "2026-12-26"], Days(read));

        var (replaced, after) = await SendAsync(HttpMethod.Put, "/api/calendars/holidays", Calendar("holidays", "2027-01-01"));
        Assert.Equal(HttpStatusCode.OK, replaced);
        Assert.Equal(["2027-01-01"], Days(after));
        Assert.Equal(["holidays"], (await Client.GetJsonAsync("/api/calendars"))!.AsArray().Select(c => c!["name"]!.GetValue<string>()));

        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync(new Uri("/api/calendars/holidays", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync(new Uri("/api/calendars/holidays", UriKind.Relative))).StatusCode);

        var (entries, _) = await Factory.Services.GetRequiredService<AuditLog>().SearchAsync(new AuditQuery(Text: "holidays", Take: 10));
        Assert.Equal(
            ["calendar deleted: 1 day(s), 2027-01-01 to 2027-01-01",
             "calendar changed: 2 day(s), 2026-12-25 to 2026-12-26 -> 1 day(s), 2027-01-01 to 2027-01-01",
             "calendar created: 2 day(s), 2026-12-25 to 2026-12-26"],
            entries.Select(e => $"{e.Action}: {e.Details}"));
    }

    [Fact]
    public async Task A_bad_day_is_named_by_its_place_and_nothing_is_written()
    {
        var (status, problem) = await SendAsync(HttpMethod.Post, "/api/calendars", Calendar("holidays", "2026-12-25", "2026-12-26", "2026-13-01", "25/12/2026"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("'2026-13-01' is not a date (yyyy-MM-dd).", JobsClient.ErrorsOf(problem, "days[2]").Single());
        Assert.Equal("'25/12/2026' is not a date (yyyy-MM-dd).", JobsClient.ErrorsOf(problem, "days[3]").Single());
        Assert.Empty((await Client.GetJsonAsync("/api/calendars"))!.AsArray());

        var (badName, named) = await SendAsync(HttpMethod.Post, "/api/calendars", Calendar("bank holidays!", "2026-12-25"));
        Assert.Equal(HttpStatusCode.BadRequest, badName);
        Assert.Contains("1 to 64 letters", JobsClient.ErrorsOf(named, "name").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_names_only_a_calendar_that_exists_and_a_calendar_in_use_is_not_deleted()
    {
        var job = JobsClient.ShellJob("nightly").With("schedule_type", "cron").With("cron_expression", "0 2 * * *").With("calendar", "holidays").With("calendar_rule", "next_day");
        var (refused, problem) = await SendAsync(HttpMethod.Post, "/api/jobs", job);
        Assert.Equal(HttpStatusCode.BadRequest, refused);
        Assert.Equal("There is no calendar named 'holidays'; an Admin creates calendars on the Calendars page.", JobsClient.ErrorsOf(problem, "calendar").Single());

        await SendAsync(HttpMethod.Post, "/api/calendars", Calendar("holidays", "2026-12-25"));
        var created = await Client.CreateJobAsync(job);
        Assert.Equal(("holidays", "next_day"), (created.Calendar, created.CalendarRule));
        Assert.Equal(["nightly"], (await Client.GetJsonAsync("/api/calendars/holidays"))!["jobs"]!.AsArray().Select(j => j!.GetValue<string>()));

        var deleted = await Client.DeleteAsync(new Uri("/api/calendars/holidays", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Conflict, deleted.StatusCode);
        Assert.Contains("Calendar 'holidays' is used by nightly.", await deleted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.NotNull(await Client.GetJsonAsync("/api/calendars/holidays"));
    }
}
