using System.Text.Json;
using System.Text.Json.Nodes;
using EtlWeb.Configuration;
using EtlWeb.Core.Jobs;
using EtlWeb.Features.Notifications;
using EtlWeb.Testing;
using EtlWeb.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace EtlWeb.Tests.Notifications;

/// <summary>Notifications of finished runs through a real SMTP server and a real webhook listener on loopback.</summary>
public sealed class DeliveryTests : IAsyncLifetime
{
    private readonly LoopbackSmtp _smtp = new("etl", "s3cret");
    private LoopbackSlack _slack = null!;
    private EtlWebFactory _factory = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _slack = await LoopbackSlack.StartAsync();
        _factory = new EtlWebFactory
        {
            Settings =
            {
                ["EtlWeb:PublicUrl"] = "https://etl.example.com/",
                ["EtlWeb:Notifications:RetryDelaySeconds"] = "0.2",
                ["EtlWeb:Notifications:RetryBackoff"] = "2",
            },
        };
        _client = _factory.CreateClient();
        using var admin = Acting.AsAdmin();
        var settings = _factory.Services.GetRequiredService<NotificationSettings>();
        Assert.Empty(await settings.SaveSmtpAsync(new SmtpOptions
        {
            Enabled = true, Host = "127.0.0.1", Port = _smtp.Port, Security = SmtpSecurity.None, User = "etl", Password = "s3cret", From = "etlweb@example.com",
        }));
        Assert.Empty(await settings.SaveSlackAsync(new SlackOptions { Enabled = true, WebhookUrl = _slack.WebhookUrl }));
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _slack.DisposeAsync();
        _smtp.Dispose();
    }

    private async Task<long> RunAsync(string name, string command, Action<JsonObject> configure)
    {
        var job = JobsClient.ShellJob(name);
        job["command"] = command;
        configure(job);
        var created = await _client.CreateJobAsync(job);
        var runId = await _client.RunJobAsync(created);
        await _client.WaitForEndAsync(runId);
        return runId;
    }

    private async Task<IReadOnlyList<NotificationDocument>> WaitForNotificationsAsync(long runId, int count)
    {
        var run = await _client.WaitForRunAsync(runId, r => r.Notifications is { } list && list.Count == count
            && list.All(n => n.Status != "pending"));
        return run.Notifications!;
    }

    [Fact]
    public async Task A_job_given_a_recipient_after_it_ran_is_notified_from_its_next_run_on()
    {
        using var admin = Acting.AsAdmin();
        var quiet = await RunAsync("late-subscriber", "exit 1", _ => { });
        var job = (await _client.GetRunAsync(quiet)).JobId;
        await WaitForNotificationsAsync(quiet, 0);

        var document = (await _client.GetJsonAsync($"/api/jobs/{job}"))!.AsObject();
        document["notify_slack"] = true;
        var (status, body) = await _client.SendJsonAsync(HttpMethod.Put, $"/api/jobs/{job}", document.ToJsonString());
        Assert.True(status == System.Net.HttpStatusCode.OK, body?.ToJsonString());
        var loud = await _client.RunJobAsync(body!.Deserialize<JobDocument>()!);
        await _client.WaitForEndAsync(loud);

        var notification = Assert.Single(await WaitForNotificationsAsync(loud, 1));
        Assert.Equal("slack", notification.Channel);
    }

    [Fact]
    public async Task A_failed_run_is_mailed_to_each_address_and_posted_to_slack_with_its_facts_log_and_link()
    {
        using var admin = Acting.AsAdmin();
        var runId = await RunAsync("nightly-export", "for i in $(seq 1 40); do echo line-$i; done; exit 4", j =>
        {
            j["notify_email"] = "ops@example.com, oncall@example.com";
            j["notify_slack"] = true;
        });

        var notifications = await WaitForNotificationsAsync(runId, 3);
        Assert.All(notifications, n =>
        {
            Assert.Equal("failure", n.Kind);
            Assert.Equal("sent", n.Status);
            Assert.Equal(1, n.Attempts);
            Assert.NotNull(n.SentAt);
        });
        Assert.Equal(["email", "email", "slack"], notifications.Select(n => n.Channel));

        var mails = await _smtp.WaitForAsync(2);
        Assert.Equal(["oncall@example.com", "ops@example.com"], mails.Select(m => Assert.Single(m.To.Mailboxes).Address).Order(StringComparer.Ordinal));
        var mail = mails[0];
        Assert.Equal("[EtlWeb] nightly-export failed", mail.Subject);
        Assert.Contains("Status: Failed", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("Trigger: Api", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("Attempts: 1", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("Exit code: 4", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("line-40", mail.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("line-10\n", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains($"https://etl.example.com/runs/{runId}", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("<pre", mail.HtmlBody, StringComparison.Ordinal);
        Assert.Contains($"href=\"https://etl.example.com/runs/{runId}\"", mail.HtmlBody, StringComparison.Ordinal);

        var post = Assert.Single(await _slack.WaitForAsync(1));
        Assert.Equal(":x: nightly-export failed", post["text"]!.GetValue<string>());
        var blocks = post["blocks"]!.AsArray().ToJsonString();
        Assert.Contains("*Exit code*\\n4", blocks, StringComparison.Ordinal);
        Assert.Contains("line-40", blocks, StringComparison.Ordinal);
        Assert.Equal($"<https://etl.example.com/runs/{runId}|Open the run in EtlWeb>", post["blocks"]!.AsArray()[^1]!["text"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_success_is_sent_only_when_asked_for()
    {
        using var admin = Acting.AsAdmin();
        var quiet = await RunAsync("quiet", "echo fine", j => j["notify_email"] = "ops@example.com");
        var loud = await RunAsync("loud", "echo fine", j =>
        {
            j["notify_email"] = "ops@example.com";
            j["notify_on_success"] = true;
        });

        Assert.Equal("success", (await WaitForNotificationsAsync(loud, 1))[0].Kind);
        Assert.Equal("[EtlWeb] loud succeeded", Assert.Single(await _smtp.WaitForAsync(1)).Subject);
        Assert.Empty((await _client.GetRunAsync(quiet)).Notifications!);
    }

    [Fact]
    public async Task Failed_deliveries_are_retried_then_recorded_with_the_reason_and_the_run_keeps_its_status()
    {
        using var admin = Acting.AsAdmin();
        var settings = _factory.Services.GetRequiredService<NotificationSettings>();
        var closedPort = LoopbackSmtp.FreePort();
        Assert.Empty(await settings.SaveSmtpAsync(new SmtpOptions { Enabled = true, Host = "127.0.0.1", Port = closedPort, Security = SmtpSecurity.None, From = "etlweb@example.com" }));
        _slack.Status = 500;

        var runId = await RunAsync("succeeds-anyway", "echo done", j =>
        {
            j["notify_email"] = "ops@example.com";
            j["notify_slack"] = true;
            j["notify_on_success"] = true;
        });

        var notifications = await WaitForNotificationsAsync(runId, 2);
        var email = notifications.Single(n => n.Channel == "email");
        var slack = notifications.Single(n => n.Channel == "slack");
        Assert.Equal(("failed", 3, $"Connection refused by 127.0.0.1:{closedPort}"), (email.Status, email.Attempts, email.Error));
        Assert.Equal(("failed", 3, "Slack answered 500: invalid_payload"), (slack.Status, slack.Attempts, slack.Error));
        Assert.Equal(3, _slack.Posts.Count);
        Assert.Equal("Succeeded", (await _client.GetRunAsync(runId)).Status);
    }

    [Fact]
    public async Task A_refused_login_is_recorded_on_the_run()
    {
        using var admin = Acting.AsAdmin();
        var settings = _factory.Services.GetRequiredService<NotificationSettings>();
        var smtp = await settings.SmtpAsync();
        Assert.Empty(await settings.SaveSmtpAsync(smtp with { Password = "wrong" }));

        var runId = await RunAsync("bad-login", "exit 1", j => j["notify_email"] = "ops@example.com");

        var email = Assert.Single(await WaitForNotificationsAsync(runId, 1));
        Assert.Equal("failed", email.Status);
        Assert.StartsWith("Authentication failed:", email.Error, StringComparison.Ordinal);
        Assert.Equal("Failed", (await _client.GetRunAsync(runId)).Status);
        Assert.Empty(_smtp.Messages);
    }

    [Fact]
    public async Task A_run_that_ends_without_an_attempt_is_notified_too()
    {
        using var admin = Acting.AsAdmin();
        var upstream = JobsClient.ShellJob("extract");
        upstream["command"] = "exit 1";
        var extract = await _client.CreateJobAsync(upstream);
        var downstream = JobsClient.ShellJob("load", "extract");
        downstream["command"] = "echo load";
        downstream["notify_email"] = "ops@example.com";
        var load = await _client.CreateJobAsync(downstream);

        await _client.WaitForEndAsync(await _client.RunJobAsync(extract));
        var runId = Assert.Single(await _client.RunsOfAsync(load)).Id;

        Assert.Equal("failure", Assert.Single(await WaitForNotificationsAsync(runId, 1)).Kind);
        var mail = Assert.Single(await _smtp.WaitForAsync(1));
        Assert.Equal("[EtlWeb] load did not run: an upstream job failed", mail.Subject);
        Assert.Contains("Started: did not start", mail.TextBody, StringComparison.Ordinal);
    }
}
