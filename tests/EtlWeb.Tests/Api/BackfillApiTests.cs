using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using EtlWeb.Core.Runs;
using EtlWeb.Data;
using EtlWeb.Features.Backfills;
using EtlWeb.Orchestration;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using EtlWeb.Tests.Support;

namespace EtlWeb.Tests.Api;

public sealed class BackfillApiTests() : HostTest(new EtlWebFactory { Settings = { ["EtlWeb:MaxConcurrentJobs"] = "8" } })
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    private const string March = """ "from": "2026-03-01T00:00:00+01:00", "to": "2026-03-31T23:59:59+02:00" """;

    private Task<Core.Jobs.JobDocument> NightlyAsync(string command) =>
        Client.CreateJobAsync(JobsClient.ShellJob("nightly").With("command", command)
            .With("schedule_type", "cron").With("cron_expression", "0 2 * * *").With("time_zone", "Europe/Berlin"));

    private async Task<BackfillDocument> CreateAsync(int jobId, string json, HttpStatusCode expected = HttpStatusCode.Created)
    {
        var (status, body) = await Client.SendJsonAsync(HttpMethod.Post, $"/api/jobs/{jobId}/backfills", json);
        Assert.True(status == expected, $"{(int)status}: {body}");
        return body!.Deserialize<BackfillDocument>()!;
    }

    private async Task<BackfillDocument> WaitForAsync(long id, Func<BackfillDocument, bool> done)
    {
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(90);
        BackfillDocument backfill;
        do
        {
            backfill = await Client.GetDocumentAsync<BackfillDocument>($"/api/backfills/{id}");
            if (done(backfill))
            {
                return backfill;
            }

            await Task.Delay(100);
        }
        while (TimeProvider.System.GetUtcNow() < deadline);

        Assert.Fail($"Backfill {id} did not get there: {backfill.Status}, {backfill.Counts}");
        return backfill;
    }

    [Fact]
    public async Task A_nightly_job_backfilled_over_march_in_berlin_runs_31_times_with_31_logical_dates_never_more_than_the_cap_at_once()
    {
        var job = await NightlyAsync("sleep 0.3; echo \"for $ETL_LOGICAL_DATE\"");

        var created = await CreateAsync(job.Id!.Value, $$"""{ {{March}}, "max_parallel": 3 }""");
        var done = await WaitForAsync(created.Id!.Value, b => b.Status == "Finished");

        Assert.Equal(new BackfillCounts(31, 31, 0, 0, 0, 0), done.Counts);
        var runs = await Client.GetDocumentAsync<List<Features.Runs.RunDocument>>($"/api/runs?backfill_id={created.Id}&limit=100");
        Assert.Equal(31, runs.Count);
        Assert.All(runs, r => Assert.Equal("Backfill", r.Trigger));
        Assert.Equal(31, runs.Select(r => TimeZoneInfo.ConvertTime(r.LogicalDate, Berlin).Date).Distinct().Count());
        var first = runs.MinBy(r => r.LogicalDate)!;
        Assert.Contains("for 2026-03-01T02:00:00+01:00", await Client.LogAsync(first.Id), StringComparison.Ordinal);

        // At no instant did more than three attempts run: count the overlaps of the recorded start and end times.
        var edges = runs.SelectMany(r => r.Attempts).SelectMany(a => new[] { (At: a.StartedAt!.Value, Step: 1), (At: a.FinishedAt!.Value, Step: -1) })
            .OrderBy(e => e.At).ThenBy(e => e.Step);
        var (running, most) = (0, 0);
        foreach (var (_, step) in edges)
        {
            running += step;
            most = Math.Max(most, running);
        }

        Assert.InRange(most, 1, 3);
    }

    [Fact]
    public async Task Only_missing_skips_the_due_times_that_succeeded_and_a_dry_run_says_which_and_starts_nothing()
    {
        var job = await NightlyAsync("true");
        foreach (var day in new[] { "2026-03-02T02:00:00+01:00", "2026-03-05T02:00:00+01:00" })
        {
            var (_, body) = await Client.SendJsonAsync(HttpMethod.Post, $"/api/jobs/{job.Id}/run", $$"""{"logical_date": "{{day}}"}""");
            await Client.WaitForEndAsync(body!["run_id"]!.GetValue<long>());
        }

        var range = """ "from": "2026-03-01T00:00:00+01:00", "to": "2026-03-06T23:00:00+01:00", "mode": "missing", "order": "newest" """;
        var plan = await CreateAsync(job.Id!.Value, $$"""{ {{range}}, "dry_run": true }""", HttpStatusCode.OK);
        Assert.Null(plan.Id);
        Assert.Equal(6, plan.DueTimes.Count);
        Assert.Equal([false, true, false, false, true, false], plan.DueTimes.Select(d => d.SucceededBefore).Reverse());
        Assert.Equal(4, plan.Counts.Total);
        Assert.Equal(2, (await Client.GetDocumentAsync<List<JsonNode>>($"/api/runs?job_id={job.Id}")).Count);

        var created = await CreateAsync(job.Id!.Value, $$"""{ {{range}}, "max_parallel": 2 }""");
        var done = await WaitForAsync(created.Id!.Value, b => b.Status == "Finished");
        Assert.Equal(["2026-03-06", "2026-03-04", "2026-03-03", "2026-03-01"],
            done.DueTimes.Select(d => TimeZoneInfo.ConvertTime(d.LogicalDate, Berlin).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        Assert.Equal(4, done.Counts.Done);
    }

    [Fact]
    public async Task Cancel_stops_the_running_runs_and_leaves_no_queued_run_behind_while_the_jobs_own_runs_go_on()
    {
        var job = await NightlyAsync("sleep 60");
        var created = await CreateAsync(job.Id!.Value, $$"""{ {{March}}, "max_parallel": 2 }""");
        await WaitForAsync(created.Id!.Value, b => b.Counts.Running == 2);

        // The overlap policy (skip) does not count the backfill's runs: a run of the job's own starts beside them.
        var (_, started) = await Client.SendJsonAsync(HttpMethod.Post, $"/api/jobs/{job.Id}/run", "{}");
        await Client.WaitForStatusAsync(started!["run_id"]!.GetValue<long>(), "Running");

        var (status, _) = await Client.SendJsonAsync(HttpMethod.Post, $"/api/backfills/{created.Id}/cancel", "");
        Assert.Equal(HttpStatusCode.OK, status);
        var cancelled = await WaitForAsync(created.Id!.Value, b => b.Status == "Cancelled");

        Assert.Equal((0, 0, 2), (cancelled.Counts.Running, cancelled.Counts.Waiting - 29, cancelled.Counts.Cancelled));
        var runs = await Client.GetDocumentAsync<List<Features.Runs.RunDocument>>($"/api/runs?job_id={job.Id}");
        Assert.DoesNotContain(runs, r => r.BackfillId is not null && r.Status is "Waiting" or "Queued" or "Running");
        Assert.Equal("Running", runs.Single(r => r.BackfillId is null).Status);
        await Client.SendJsonAsync(HttpMethod.Post, $"/api/runs/{started["run_id"]}/cancel", "");
    }

    [Fact]
    public async Task Due_times_taken_before_a_stop_and_never_started_start_on_the_next_pass_once_each()
    {
        var job = await NightlyAsync("true");
        var dbFactory = Factory.Services.GetRequiredService<IDbContextFactory<EtlDbContext>>();
        var now = TimeProvider.System.GetUtcNow();
        var day = new DateTimeOffset(2026, 3, 1, 1, 0, 0, TimeSpan.Zero);
        long id;
        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            // As a node leaves them when it stops between taking due times and creating their runs.
            var backfill = new Backfill
            {
                JobId = job.Id!.Value, From = day, To = day.AddDays(1), MaxParallel = 2, CreatedAt = now, CreatedBy = "test",
                Items =
                [
                    new BackfillItem { Sequence = 0, LogicalDate = day, StartedAt = now.AddMinutes(-5) },
                    new BackfillItem { Sequence = 1, LogicalDate = day.AddDays(1), StartedAt = now.AddMinutes(-5) },
                ],
            };
            db.Backfills.Add(backfill);
            await db.SaveChangesAsync();
            id = backfill.Id;
        }

        await Factory.Services.GetRequiredService<BackfillDriver>().TopUpAsync(null, CancellationToken.None);
        var done = await WaitForAsync(id, b => b.Status == "Finished");

        Assert.Equal(2, done.Counts.Done);
        var runs = await Client.GetDocumentAsync<List<Features.Runs.RunDocument>>($"/api/runs?backfill_id={id}");
        Assert.Equal([day, day.AddDays(1)], runs.Select(r => r.LogicalDate).Order());
        Assert.Equal(runs.Select(r => (long?)r.Id).Order(), done.DueTimes.Select(d => d.RunId).Order());
    }

    [Fact]
    public async Task A_failed_backfill_of_an_upstream_job_does_not_hold_back_its_downstream_jobs_own_runs()
    {
        // The nightly job fails for the January days it is backfilled with, and succeeds today.
        var nightly = await NightlyAsync("case \"$ETL_LOGICAL_DATE\" in 2026-01-*) exit 1;; esac");
        var report = await Client.CreateJobAsync(JobsClient.ShellJob("report", "nightly").With("command", "true"));
        // Alone, so that no run of the report from this pipeline run is still going when the report is run below (it would be skipped by its overlap policy).
        var (_, started) = await Client.SendJsonAsync(HttpMethod.Post, $"/api/jobs/{nightly.Id}/run", """{"downstream": false}""");
        Assert.Equal("Succeeded", (await Client.WaitForEndAsync(started!["run_id"]!.GetValue<long>())).Status);

        var backfill = await CreateAsync(nightly.Id!.Value, """{"from": "2026-01-01T00:00:00+01:00", "to": "2026-01-02T23:00:00+01:00", "max_parallel": 2}""");
        var over = await WaitForAsync(backfill.Id!.Value, b => b.Status == "Finished");
        Assert.Equal(2, over.Counts.Failed);

        // The backfill's pipelines end the report's runs UpstreamFailed; a run still pending would make the report's own run skip.
        await Client.WaitForRunsAsync(report, 2, r => r.FinishedAt is not null);

        // The report's upstream last ran live with success: a reload of January that failed is not its latest outcome.
        var (_, body) = await Client.SendJsonAsync(HttpMethod.Post, $"/api/jobs/{report.Id}/run", """{"downstream": false}""");
        var run = await Client.WaitForEndAsync(body!["run_id"]!.GetValue<long>());
        Assert.Equal("Succeeded", run.Status);
    }

    [Fact]
    public async Task A_backfill_keeps_the_outcome_of_each_due_time_after_retention_purged_its_runs()
    {
        var job = await NightlyAsync("case \"$ETL_LOGICAL_DATE\" in 2026-01-02*) exit 1;; esac");
        var created = await CreateAsync(job.Id!.Value, """{"from": "2026-01-01T00:00:00+01:00", "to": "2026-01-03T23:00:00+01:00", "max_parallel": 3}""");
        await WaitForAsync(created.Id!.Value, b => b.Status == "Finished");

        // As retention does: the runs go, the backfill stays.
        var dbFactory = Factory.Services.GetRequiredService<IDbContextFactory<EtlDbContext>>();
        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            Assert.Equal(3, await db.Runs.Where(r => r.BackfillId == created.Id).ExecuteDeleteAsync());
        }

        var kept = await Client.GetDocumentAsync<BackfillDocument>($"/api/backfills/{created.Id}");
        Assert.Equal(new BackfillCounts(3, 2, 0, 0, 1, 0), kept.Counts);
        Assert.Equal(["Succeeded", "Failed", "Succeeded"], kept.DueTimes.Select(d => d.Status));
    }

    [Fact]
    public async Task A_bad_request_names_its_fields()
    {
        var job = await NightlyAsync("true");
        var (status, body) = await Client.SendJsonAsync(HttpMethod.Post, $"/api/jobs/{job.Id}/backfills",
            """{"from": "2026-03-05T00:00:00Z", "to": "2026-03-01T00:00:00Z", "mode": "some", "max_parallel": 8}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["max_parallel", "mode", "to"], body!["errors"]!.AsObject().Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.Contains("between 1 and 7", body["errors"]!["max_parallel"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
