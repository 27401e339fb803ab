using EtlWeb.Configuration;
using EtlWeb.Features.Notifications;
using EtlWeb.Testing;
using EtlWeb.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace EtlWeb.Tests.Notifications;

/// <summary>The Settings page's Test buttons against a real SMTP server and a real HTTP listener on loopback.</summary>
public sealed class TestButtonTests : IAsyncLifetime
{
    private readonly EtlWebFactory _factory = new();

    private NotificationTester Tester => _factory.Services.GetRequiredService<NotificationTester>();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private static SmtpOptions Smtp(int port, SmtpSecurity security = SmtpSecurity.None, string user = "", string password = "") =>
        new() { Enabled = true, Host = "127.0.0.1", Port = port, Security = security, User = user, Password = password, From = "etlweb@example.com" };

    [Fact]
    public async Task Smtp_test_without_authentication_delivers_and_shows_the_servers_answer()
    {
        using var admin = Acting.AsAdmin();
        using var smtp = new LoopbackSmtp();

        var outcome = await Tester.TestSmtpAsync(Smtp(smtp.Port), "ops@example.com");

        Assert.True(outcome.Succeeded, outcome.Text);
        Assert.Contains("queued as loopback-1", outcome.Text, StringComparison.Ordinal);
        var message = Assert.Single(await smtp.WaitForAsync(1));
        Assert.Equal("ops@example.com", Assert.Single(message.To.Mailboxes).Address);
        Assert.Equal("etlweb@example.com", Assert.Single(message.From.Mailboxes).Address);
        Assert.Equal("EtlWeb test message", message.Subject);
        Assert.Contains("test message from EtlWeb", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("<b>EtlWeb</b>", message.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Smtp_test_with_starttls_and_authentication_trusts_a_pinned_self_signed_certificate()
    {
        using var admin = Acting.AsAdmin();
        using var smtp = new LoopbackSmtp("etl", "s3cret", startTls: true);
        await using var pinned = new EtlWebFactory { Settings = { ["EtlWeb:Smtp:TrustedCertificateSha256"] = smtp.CertificateSha256 } };
        var tester = pinned.Services.GetRequiredService<NotificationTester>();

        var outcome = await tester.TestSmtpAsync(Smtp(smtp.Port, SmtpSecurity.StartTls, "etl", "s3cret"), "ops@example.com");

        Assert.True(outcome.Succeeded, outcome.Text);
        Assert.Equal("EtlWeb test message", Assert.Single(await smtp.WaitForAsync(1)).Subject);
    }

    [Fact]
    public async Task Smtp_test_with_a_wrong_password_says_authentication_failed()
    {
        using var admin = Acting.AsAdmin();
        using var smtp = new LoopbackSmtp("etl", "s3cret");

        var outcome = await Tester.TestSmtpAsync(Smtp(smtp.Port, user: "etl", password: "wrong"), "ops@example.com");

        Assert.False(outcome.Succeeded);
        Assert.StartsWith("Authentication failed:", outcome.Text, StringComparison.Ordinal);
        Assert.Empty(smtp.Messages);
    }

    [Fact]
    public async Task Smtp_test_validates_the_certificate_by_default_and_says_tls_error()
    {
        using var admin = Acting.AsAdmin();
        using var smtp = new LoopbackSmtp(startTls: true);

        var outcome = await Tester.TestSmtpAsync(Smtp(smtp.Port, SmtpSecurity.StartTls), "ops@example.com");

        Assert.False(outcome.Succeeded);
        Assert.StartsWith("TLS error:", outcome.Text, StringComparison.Ordinal);
        Assert.Empty(smtp.Messages);
    }

    [Fact]
    public async Task Smtp_test_against_a_closed_port_says_connection_refused()
    {
        using var admin = Acting.AsAdmin();
        var port = LoopbackSmtp.FreePort();

        var outcome = await Tester.TestSmtpAsync(Smtp(port), "ops@example.com");

        Assert.False(outcome.Succeeded);
        Assert.Equal($"Connection refused by 127.0.0.1:{port}", outcome.Text);
    }

    [Fact]
    public async Task Slack_test_posts_json_to_the_webhook_and_shows_its_answer()
    {
        using var admin = Acting.AsAdmin();
        await using var slack = await LoopbackSlack.StartAsync();

        var outcome = await Tester.TestSlackAsync(new SlackOptions { Enabled = true, WebhookUrl = slack.WebhookUrl });

        Assert.True(outcome.Succeeded, outcome.Text);
        Assert.Equal("Slack answered 200: ok", outcome.Text);
        var posted = Assert.Single(await slack.WaitForAsync(1));
        Assert.Contains("Test message from *EtlWeb*", posted["text"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Slack_test_shows_a_non_2xx_answer_with_its_body()
    {
        using var admin = Acting.AsAdmin();
        await using var slack = await LoopbackSlack.StartAsync();
        slack.Status = 500;

        var outcome = await Tester.TestSlackAsync(new SlackOptions { Enabled = true, WebhookUrl = slack.WebhookUrl });

        Assert.False(outcome.Succeeded);
        Assert.Equal("Slack answered 500: invalid_payload", outcome.Text);
    }
}
