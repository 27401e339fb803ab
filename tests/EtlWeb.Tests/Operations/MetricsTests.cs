using System.Net;
using EtlWeb.Tests.Security;
using EtlWeb.Tests.Support;

namespace EtlWeb.Tests.Operations;

/// <summary>/metrics is Prometheus text that the reference parser reads, and its figures follow the runs as they end.</summary>
public sealed class MetricsTests : HostTest
{
    [Fact]
    public async Task Metrics_parse_as_Prometheus_text_and_the_run_counters_move_as_runs_end()
    {
        var ok = await Client.CreateJobAsync(JobsClient.ShellJob("metrics-ok"));
        var failing = await Client.CreateJobAsync(JobsClient.ShellJob("metrics-failing")
            .With("command", "echo going down; exit 3").With("notify_email", "ops@example.com").With("notify_on_failure", true));
        using var scraper = Factory.AnonymousClient();
        var before = await ScrapeAsync(scraper);
        Assert.Equal(0, before.ValueOf("etlweb_runs_ended_total", "job_name=metrics-ok"));

        await Client.WaitForEndAsync(await Client.RunJobAsync(ok));
        await Client.WaitForEndAsync(await Client.RunJobAsync(failing));

        // Counted once the engine has published the end, just after the API can see it: read until it shows.
        var after = await ScrapeUntilAsync(scraper, s =>
            s.ValueOf("etlweb_runs_ended_total", "job_name=metrics-ok", "status=Succeeded") == 1
            && s.ValueOf("etlweb_runs_ended_total", "job_name=metrics-failing", "status=Failed") == 1
            && s.ValueOf("etlweb_notification_failures_total", "channel=email", "outcome=failed") == 1);
        Assert.Equal(1, after.ValueOf("etlweb_runs_started_total", "job_name=metrics-ok"));
        Assert.Equal(1, after.ValueOf("etlweb_runs_started_total", "job_name=metrics-failing"));
        Assert.Equal(1, after.ValueOf("etlweb_run_duration_seconds_count", "status=Succeeded"));
        Assert.Equal(1, after.ValueOf("etlweb_run_duration_seconds_count", "status=Failed"));
        Assert.Equal(2, after.ValueOf("etlweb_attempt_queue_wait_seconds_count"));
        Assert.True(after.ValueOf("etlweb_log_lines_stored_total") >= 2, after.Describe("etlweb_log"));
        Assert.Equal(0, after.ValueOf("etlweb_attempts_running"));
        Assert.Equal(0, after.ValueOf("etlweb_attempts_queued"));
        Assert.Contains(after, s => s.Name == "etlweb_node_heartbeat_age_seconds" && s.Value >= 0 && s.Labels.ContainsKey("node"));

        await Client.WaitForEndAsync(await Client.RunJobAsync(ok));
        var again = await ScrapeUntilAsync(scraper, s => s.ValueOf("etlweb_runs_ended_total", "job_name=metrics-ok", "status=Succeeded") == 2);
        Assert.Equal(2, again.ValueOf("etlweb_runs_started_total", "job_name=metrics-ok"));
        Assert.Equal(1, again.ValueOf("etlweb_runs_ended_total", "job_name=metrics-failing", "status=Failed"));
    }

    [Fact]
    public async Task A_renamed_job_is_counted_under_its_new_name()
    {
        var job = await Client.CreateJobAsync(JobsClient.ShellJob("metrics-before"));
        await Client.WaitForEndAsync(await Client.RunJobAsync(job));
        using var scraper = Factory.AnonymousClient();
        await ScrapeUntilAsync(scraper, s => s.ValueOf("etlweb_runs_ended_total", "job_name=metrics-before") == 1);

        var (status, _) = await Client.SendJsonAsync(HttpMethod.Put, $"/api/jobs/{job.Id}", JobsClient.ShellJob("metrics-after").ToJsonString());
        Assert.Equal(HttpStatusCode.OK, status);

        var renamed = await ScrapeUntilAsync(scraper, s => s.ValueOf("etlweb_runs_ended_total", "job_name=metrics-after") == 1);
        Assert.DoesNotContain(renamed, s => s.Labels.TryGetValue("job_name", out var name) && name == "metrics-before");
    }

    [Fact]
    public async Task A_cron_fire_is_measured_against_its_due_time()
    {
        using var scraper = Factory.AnonymousClient();
        Assert.Equal(0, (await ScrapeAsync(scraper)).ValueOf("etlweb_scheduler_lateness_seconds_count"));

        await Client.CreateJobAsync(JobsClient.ShellJob("metrics-every-second").With("schedule_type", "cron").With("cron_expression", "* * * * * *"));

        var fired = await ScrapeUntilAsync(scraper, s => s.ValueOf("etlweb_scheduler_lateness_seconds_count") >= 1);
        Assert.True(fired.ValueOf("etlweb_scheduler_lateness_seconds_sum") >= 0);
        Assert.Equal(fired.ValueOf("etlweb_scheduler_lateness_seconds_count"), fired.ValueOf("etlweb_scheduler_lateness_seconds_bucket", "le=+Inf"));
    }

    internal static async Task<IReadOnlyList<PrometheusSample>> ScrapeAsync(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        return await PrometheusText.ParseAsync(text);
    }

    /// <summary>Scrapes until <paramref name="done"/> holds; fails with the last figures after a minute.</summary>
    private static async Task<IReadOnlyList<PrometheusSample>> ScrapeUntilAsync(HttpClient client, Func<IReadOnlyList<PrometheusSample>, bool> done)
    {
        var deadline = TimeProvider.System.GetUtcNow() + TimeSpan.FromSeconds(60);
        IReadOnlyList<PrometheusSample> samples;
        do
        {
            samples = await ScrapeAsync(client);
            if (done(samples))
            {
                return samples;
            }

            await Task.Delay(100);
        }
        while (TimeProvider.System.GetUtcNow() < deadline);

        Assert.Fail("The metrics did not reach the expected figures; last seen:\n" + samples.Describe("etlweb_"));
        return samples;
    }
}
