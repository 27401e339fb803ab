using System.Globalization;
using System.Text.Json.Nodes;
using EtlWeb.Bench.Infrastructure;

namespace EtlWeb.Bench.Scenarios;

/// <summary>
/// A backfill of a job running <c>true</c> (cron every minute, UTC) over a past range of exactly 1,000 due times,
/// 5 at a time: how long the create request takes (it stores the due times and starts the first ones, then answers),
/// the runs per second from the POST until the backfill is Finished, and the most attempts that ran at once (the
/// cap holds when it is at most 5).
/// </summary>
public static class BackfillScenario
{
    private const int DueTimes = 1000;
    private const int MaxParallel = 5;

    /// <summary>Each poll reads the 1,000 due times: often enough, not so often that it weighs on the app.</summary>
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);

    private static readonly TimeSpan FinishTimeout = TimeSpan.FromMinutes(10);

    public static async Task RunAsync(string dataDirectory, JsonObject result)
    {
        var clock = TimeProvider.System;
        var settings = BenchSettings.App();

        // The API refuses a cap above MaxConcurrentJobs - 1 (a slot stays with the schedule), so 5 needs 6 workers.
        settings["EtlWeb__MaxConcurrentJobs"] = Math.Max(BenchSettings.WorkerCount, MaxParallel + 1).ToString(CultureInfo.InvariantCulture);

        // Retention keeps 500 runs per job by default and would remove half of them before they are read.
        settings["EtlWeb__Retention__RunsPerJob"] = "0";
        await using var app = await AppUnderTest.StartAsync(BenchSettings.AppDirectory(dataDirectory), settings);
        using var api = new ApiClient(app.Address);
        var job = await api.CreateShellJobAsync("backfill", "true", new Dictionary<string, object>
        {
            ["schedule_type"] = "cron", ["cron_expression"] = "* * * * *", ["time_zone"] = "UTC",
        });

        // Whole minutes, both ends included, ending a day ago: a past range with exactly 1,000 due times.
        var now = clock.GetUtcNow();
        var to = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero).AddDays(-1);
        var from = to.AddMinutes(-(DueTimes - 1));
        var request = new Dictionary<string, object>
        {
            ["from"] = from, ["to"] = to, ["mode"] = "all", ["order"] = "oldest", ["max_parallel"] = MaxParallel,
        };

        var before = clock.GetUtcNow();
        var created = await api.CreateBackfillAsync(job, request);
        var posted = clock.GetUtcNow();
        if (created.Counts.Total != DueTimes)
        {
            throw new InvalidOperationException($"Backfill {created.Id} covers {created.Counts.Total} due times, not {DueTimes}.");
        }

        var finished = await WaitOverAsync(api, created.Id);
        if (finished.Status != "Finished")
        {
            throw new InvalidOperationException($"Backfill {created.Id} ended {finished.Status}: {finished.Counts}.");
        }

        // finished_at is the app's clock on this machine: no poll interval in the figure.
        var wall = (finished.FinishedAt!.Value - before).TotalSeconds;
        var runs = await api.ListBackfillRunsAsync(created.Id, DueTimes);
        if (runs.Count != DueTimes || runs.Select(r => r.LogicalDate).Distinct().Count() != DueTimes)
        {
            throw new InvalidOperationException(
                $"Backfill {created.Id} has {runs.Count} runs with {runs.Select(r => r.LogicalDate).Distinct().Count()} logical dates, not {DueTimes} of each.");
        }

        result["due_times"] = DueTimes;
        result["max_parallel"] = MaxParallel;
        result["create_ms"] = Stats.Round((posted - before).TotalMilliseconds);
        result["wall_s"] = Stats.Round(wall, 2);
        result["runs_per_s"] = Stats.Round(DueTimes / wall);
        result["max_concurrency_observed"] = MostAtOnce(runs);
        result["failed"] = finished.Counts.Failed;
        result["cancelled"] = finished.Counts.Cancelled;
        app.ReportLogHealth(result);
    }

    /// <summary>Polls the backfill until it is Finished or Cancelled.</summary>
    private static async Task<BackfillView> WaitOverAsync(ApiClient api, long backfillId)
    {
        using var deadline = new CancellationTokenSource(FinishTimeout);
        while (true)
        {
            var backfill = await api.GetBackfillAsync(backfillId);
            if (backfill.Status is "Finished" or "Cancelled")
            {
                return backfill;
            }

            try
            {
                await Task.Delay(Poll, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Backfill {backfillId} was still {backfill.Status} after {FinishTimeout.TotalMinutes} min: {backfill.Counts}.");
            }
        }
    }

    /// <summary>
    /// The most attempts running at one instant, from their recorded start and end times; an end comes before a start
    /// at the same instant (one attempt handing its slot to the next is not an overlap).
    /// </summary>
    private static int MostAtOnce(IEnumerable<RunView> runs)
    {
        var edges = runs.SelectMany(r => r.Attempts).Where(a => a.StartedAt is not null && a.FinishedAt is not null)
            .SelectMany(a => new[] { (At: a.StartedAt!.Value, Step: 1), (At: a.FinishedAt!.Value, Step: -1) })
            .OrderBy(e => e.At).ThenBy(e => e.Step);
        var (running, most) = (0, 0);
        foreach (var (_, step) in edges)
        {
            running += step;
            most = Math.Max(most, running);
        }

        return most;
    }
}
