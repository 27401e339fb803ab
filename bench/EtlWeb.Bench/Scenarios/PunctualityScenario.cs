using System.Text.Json.Nodes;
using EtlWeb.Bench.Baselines;
using EtlWeb.Bench.Infrastructure;

namespace EtlWeb.Bench.Scenarios;

/// <summary>
/// 50 jobs with the 6-field cron <c>* * * * * *</c> running <c>true</c> for 60 s: how late each process starts
/// behind its due second, how many fires were expected and happened, and whether any fired twice; against
/// Hangfire recurring jobs with the same cron and Hangfire's default settings.
/// </summary>
public static class PunctualityScenario
{
    private const int Jobs = 50;
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(60);

    public static async Task RunAsync(string dataDirectory, JsonObject result)
    {
        var clock = TimeProvider.System;
        await using (var app = await AppUnderTest.StartAsync(BenchSettings.AppDirectory(dataDirectory), BenchSettings.App()))
        {
            using var api = new ApiClient(app.Address);
            var jobs = new List<int>();
            for (var i = 0; i < Jobs; i++)
            {
                jobs.Add(await api.CreateShellJobAsync($"tick-{i:D2}", "true", new Dictionary<string, object> { ["schedule_type"] = "cron", ["cron_expression"] = "* * * * * *" }));
            }

            // The window starts at the first whole second after every job exists, and ends 60 s later.
            var from = Truncate(clock.GetUtcNow()).AddSeconds(2);
            var until = from + Window;
            await Task.Delay(until - clock.GetUtcNow() + TimeSpan.FromMilliseconds(200));
            foreach (var job in jobs)
            {
                await api.PostAsync($"/api/jobs/{job}/disable");
            }

            await Task.Delay(TimeSpan.FromSeconds(5));
            var lateness = new List<double>();
            var fired = 0;
            var duplicates = 0;
            foreach (var job in jobs)
            {
                var runs = await api.ListRunsAsync(job, 1000);
                // A run made by a fire is for its due time (its logical date; a pre-staged fire is made up to a second
                // before it); a later fire that joined the run still pending was asked for at its own due second.
                var fires = runs.SelectMany(r => (r.Requests ?? []).Where(q => q.Trigger == "Schedule")
                        .Select((q, i) => (Run: r, Due: i == 0 && r.Trigger == "Schedule" && r.LogicalDate is { } due ? due : Truncate(q.RequestedAt))))
                    .Where(f => f.Due >= from && f.Due < until).ToList();
                fired += fires.Select(f => f.Due).Distinct().Count();
                duplicates += fires.Count - fires.Select(f => f.Due).Distinct().Count();

                // A fire that joined a run still pending (the previous second's) starts with that run.
                lateness.AddRange(fires.Where(f => f.Run.Attempts.Count > 0 && f.Run.Attempts[0].StartedAt is not null)
                    .Select(f => (f.Run.Attempts[0].StartedAt!.Value - f.Due).TotalMilliseconds));
            }

            result["expected"] = Jobs * (int)Window.TotalSeconds;
            result["fired"] = fired;
            result["duplicates"] = duplicates;
            result["late_p50_ms"] = Stats.Round(Stats.Percentile(lateness, 0.50));
            result["late_p99_ms"] = Stats.Round(Stats.Percentile(lateness, 0.99));
            result["late_max_ms"] = Stats.Round(lateness.Max());
            app.ReportLogHealth(result);
        }

        using var baseline = new RecurringBaseline(BenchSettings.BaselineDirectory(dataDirectory));
        var baselineLateness = await baseline.LatenessMillisecondsAsync(Jobs, Window);
        result["baseline_fired"] = baselineLateness.Count;
        result["baseline_late_p99_ms"] = baselineLateness.Count == 0 ? null : Stats.Round(Stats.Percentile(baselineLateness, 0.99));
    }

    private static DateTimeOffset Truncate(DateTimeOffset time) => new(time.Ticks - (time.Ticks % TimeSpan.TicksPerSecond), time.Offset);
}
