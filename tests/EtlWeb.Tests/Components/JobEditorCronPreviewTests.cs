using Bunit;
using EtlWeb.Features.Jobs.Editor;

namespace EtlWeb.Tests.Components;

/// <summary>The cron preview: the expression in words and the next five fires in the job's zone and the browser's.</summary>
public sealed class JobEditorCronPreviewTests : IAsyncLifetime
{
    private JobEditorHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await JobEditorHost.StartAsync();
        _host.CronModule.Setup<string?>("describe", i => Equals(i.Arguments[0], "0 2 * * *")).SetResult("At 02:00");
        _host.CronModule.Setup<string?>("browserZone").SetResult("America/New_York");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public void Lists_the_next_five_fires_in_the_job_zone_beside_the_browser_zone_across_a_clock_change()
    {
        var preview = _host.Context.Render<CronPreview>(p => p
            .Add(x => x.Expression, "0 2 * * *")
            .Add(x => x.TimeZone, "Europe/London"));

        preview.WaitForAssertion(() => Assert.Equal("At 02:00", preview.Find("[data-testid=cron-words]").TextContent));
        var headers = preview.FindAll("th").Select(h => h.TextContent).ToList();
        Assert.Equal(["Next fires in the job's zone (Europe/London)", "In your browser's zone (America/New_York)"], headers);
        var rows = preview.FindAll("tbody tr").Select(r => r.QuerySelectorAll("td").Select(c => c.TextContent).ToArray()).ToList();
        Assert.Equal(5, rows.Count);
        Assert.Equal(["Sat 28 Mar 2026, 02:00 (UTC+00:00)", "Fri 27 Mar 2026, 22:00 (UTC-04:00)"], rows[0]);

        // London moves to summer time on 29 March: 02:00 there is then 01:00 UTC.
        Assert.Equal(["Sun 29 Mar 2026, 02:00 (UTC+01:00)", "Sat 28 Mar 2026, 21:00 (UTC-04:00)"], rows[1]);
        Assert.Equal("Wed 1 Apr 2026, 02:00 (UTC+01:00)", rows[4][0]);
    }

    [Fact]
    public void With_both_day_fields_set_it_says_either_is_enough_and_lists_fires_of_both_kinds_with_their_reason()
    {
        _host.CronModule.Setup<string?>("describe", i => Equals(i.Arguments[0], "0 0 1,15 * 2")).SetResult("At 00:00, on day 1 and 15 of the month, and on Tuesday");
        var preview = _host.Context.Render<CronPreview>(p => p
            .Add(x => x.Expression, "0 0 1,15 * 2")
            .Add(x => x.TimeZone, "America/New_York"));

        preview.WaitForAssertion(() => Assert.Equal("At 00:00, on day 1 and 15 of the month, and on Tuesday", preview.Find("[data-testid=cron-words]").TextContent));
        Assert.Contains("either one is enough", preview.Find("[data-testid=cron-either-day]").TextContent, StringComparison.Ordinal);
        var rows = preview.FindAll("tbody tr").Select(r => r.QuerySelectorAll("td").Select(c => c.TextContent).ToArray()).ToList();
        Assert.Equal(
            [
                ["Tue 31 Mar 2026, 00:00 (UTC-04:00)", "the weekday"],
                ["Wed 1 Apr 2026, 00:00 (UTC-04:00)", "the day of the month"],
                ["Tue 7 Apr 2026, 00:00 (UTC-04:00)", "the weekday"],
                ["Tue 14 Apr 2026, 00:00 (UTC-04:00)", "the weekday"],
                ["Wed 15 Apr 2026, 00:00 (UTC-04:00)", "the day of the month"],
            ],
            rows);
    }

    [Fact]
    public void Updates_as_the_expression_changes_and_waits_for_a_valid_one()
    {
        var preview = _host.Context.Render<CronPreview>(p => p
            .Add(x => x.Expression, "0 2 * *")
            .Add(x => x.TimeZone, "Europe/London"));

        Assert.Empty(preview.FindAll("[data-testid=cron-fires]"));
        Assert.Contains("once the expression and the time zone are valid", preview.Markup, StringComparison.Ordinal);

        preview.Render(p => p.Add(x => x.Expression, "0 0 6 * * 1-5"));

        preview.WaitForAssertion(() => Assert.Equal(5, preview.FindAll("tbody tr").Count));
        Assert.Equal("Mon 30 Mar 2026, 06:00:00 (UTC+01:00)", preview.Find("tbody tr td").TextContent);
    }

    [Fact]
    public void An_unknown_time_zone_shows_no_fire_times()
    {
        var preview = _host.Context.Render<CronPreview>(p => p
            .Add(x => x.Expression, "0 2 * * *")
            .Add(x => x.TimeZone, "Europe/London"));
        preview.WaitForAssertion(() => Assert.Equal(5, preview.FindAll("[data-testid=cron-fires] tbody tr").Count));

        preview.Render(p => p.Add(x => x.TimeZone, "Mars/Olympus"));

        Assert.Empty(preview.FindAll("[data-testid=cron-fires]"));
        Assert.Contains("once the expression and the time zone are valid", preview.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void One_column_when_the_browser_is_in_the_job_zone()
    {
        var preview = _host.Context.Render<CronPreview>(p => p
            .Add(x => x.Expression, "0 2 * * *")
            .Add(x => x.TimeZone, "America/New_York"));

        preview.WaitForAssertion(() => Assert.Contains("Your browser is in the same zone.", preview.Markup, StringComparison.Ordinal));
        Assert.Single(preview.FindAll("th"));
    }
}
