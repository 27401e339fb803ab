using System.Diagnostics;
using System.Text.Json.Nodes;
using EtlWeb.Bench.Infrastructure;
using EtlWeb.Core.Jobs;
using EtlWeb.Core.Runs;
using EtlWeb.Data;
using EtlWeb.Testing;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Bench.Scenarios;

/// <summary>
/// The fire timeline of a once-a-minute job over 90 days (129,600 due times, a run stored for all but every 97th):
/// the time <c>GET /api/jobs/{id}/fires</c> takes to answer, against reading a page of 1,000 of the same job's runs
/// (<c>GET /api/runs?job_id=&amp;limit=1000</c>) on the same database. Each run stores a realistic definition snapshot.
/// </summary>
public static class FiresScenario
{
    private const int Days = 90;
    private const int Calls = 7;

    public static async Task RunAsync(string dataDirectory, JsonObject result)
    {
        var directory = BenchSettings.AppDirectory(dataDirectory);
        await using var app = await AppUnderTest.StartAsync(directory, BenchSettings.App());
        using var api = new ApiClient(app.Address);
        var jobId = await api.CreateShellJobAsync("minutely", "true", new Dictionary<string, object> { ["schedule_type"] = "cron", ["cron_expression"] = "* * * * *", ["time_zone"] = "UTC" });
        var now = TimeProvider.System.GetUtcNow();
        var since = new DateTimeOffset(now.UtcDateTime.Date.AddDays(-Days), TimeSpan.Zero);
        var seeded = await SeedAsync(Path.Combine(directory, "etlweb.db"), jobId, since, now.AddMinutes(-1));

        using var http = EtlWebChild.CreateClient(app.Address, TimeSpan.FromMinutes(2));
        var range = $"from={since.AddMinutes(1):O}&to={since.AddDays(Days):O}".Replace("+", "%2B", StringComparison.Ordinal);
        var fires = new List<double>();
        var baseline = new List<double>();
        var count = 0;
        for (var i = 0; i < Calls; i++)
        {
            var watch = Stopwatch.StartNew();
            var body = await http.GetStringAsync(new Uri($"/api/jobs/{jobId}/fires?{range}", UriKind.Relative));
            fires.Add(watch.Elapsed.TotalMilliseconds);
            count = JsonNode.Parse(body)!.AsArray().Count;

            watch.Restart();
            await http.GetStringAsync(new Uri($"/api/runs?job_id={jobId}&limit=1000", UriKind.Relative));
            baseline.Add(watch.Elapsed.TotalMilliseconds);
        }

        result["due_times"] = count;
        result["runs_stored"] = seeded;
        result["fires_ms_p50"] = Stats.Round(Stats.Percentile(fires, 0.5));
        result["fires_ms_first"] = Stats.Round(fires[0]);
        result["baseline_runs_page_ms_p50"] = Stats.Round(Stats.Percentile(baseline, 0.5));
        app.ReportLogHealth(result);
    }

    /// <summary>Makes the job <see cref="Days"/> days old and stores a succeeded scheduled run for each minute but every 97th.</summary>
    private static async Task<int> SeedAsync(string database, int jobId, DateTimeOffset since, DateTimeOffset until)
    {
        var options = new DbContextOptionsBuilder<EtlDbContext>().UseSqlite($"Data Source={database}").Options;
        await using var db = new EtlDbContext(options);
        await db.Jobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(u => u.SetProperty(j => j.CreatedAt, since));
        await db.JobRevisions.Where(r => r.JobId == jobId).ExecuteUpdateAsync(u => u.SetProperty(r => r.At, since));
        // Each run stores the job as it ran (a snapshot of about 1 KB): reading the runs reads past it.
        var job = new Job { Name = "minutely", Command = "true", ScheduleKind = ScheduleKind.Cron, CronExpression = "* * * * *", TimeZone = "UTC", Description = new string('d', 300) };
        var snapshot = JobSnapshot.Of(job);
        var stored = 0;
        var minute = 0;
        for (var due = since.AddMinutes(1); due < until; due = due.AddMinutes(1))
        {
            if (++minute % 97 == 0)
            {
                continue;
            }

            var run = Run.Create(jobId, TriggerKind.Schedule, snapshot, Guid.NewGuid(), due, due);
            var attempt = run.Queue("bench")!;
            run.Claim(attempt, "bench", due);
            run.Settle(attempt, new AttemptOutcome(AttemptStatus.Succeeded, 0, "exit code 0"), null, job, "bench-retry", due.AddSeconds(1));
            db.Runs.Add(run);
            if (++stored % 5000 == 0)
            {
                await db.SaveChangesAsync();
                db.ChangeTracker.Clear();
            }
        }

        await db.SaveChangesAsync();
        return stored;
    }
}
