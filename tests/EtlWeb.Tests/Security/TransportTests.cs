using System.Net;
using System.Text.Json.Nodes;
using EtlWeb.Configuration;
using EtlWeb.Features.Notifications;
using EtlWeb.Features.Security;
using EtlWeb.Testing;
using EtlWeb.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace EtlWeb.Tests.Security;

public sealed class TransportTests() : HostTest(new EtlWebFactory { Settings = { ["EtlWeb:PublicUrl"] = "https://etl.example.com" } })
{
    [Theory]
    [InlineData("localhost", HttpStatusCode.OK)]
    [InlineData("127.0.0.1:5080", HttpStatusCode.OK)]
    [InlineData("[::1]:5080", HttpStatusCode.OK)]
    [InlineData("etl.example.com", HttpStatusCode.OK)]
    [InlineData("rebound.attacker.example", HttpStatusCode.BadRequest)]
    [InlineData("127.0.0.1.nip.io", HttpStatusCode.BadRequest)]
    public async Task On_loopback_a_request_must_name_a_loopback_host_or_the_public_url(string host, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/jobs", UriKind.Relative));
        request.Headers.Host = host;

        using var response = await Client.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("http://localhost:5080;http://[::1]:5080", true)]
    [InlineData("http://0.0.0.0:8080", false)]
    [InlineData("http://*:5080", false)]
    [InlineData("http://127.0.0.1:5080;http://192.0.2.10:5080", false)]
    public void Only_loopback_addresses_count_as_listening_on_loopback(string urls, bool loopback) =>
        Assert.Equal(loopback, TransportGuards.ListensOnLoopbackOnly(urls));

    [Theory]
    [InlineData("http://localhost", HttpStatusCode.OK)]
    [InlineData("https://etl.example.com", HttpStatusCode.OK)]
    [InlineData("https://attacker.example", HttpStatusCode.Forbidden)]
    [InlineData("null", HttpStatusCode.Forbidden)]
    public async Task The_live_connection_accepts_only_pages_of_EtlWeb_itself(string origin, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/_blazor/negotiate?negotiateVersion=1", UriKind.Relative));
        request.Headers.Add("Origin", origin);

        using var response = await Client.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task Health_tells_an_anonymous_caller_the_states_only_and_a_signed_in_one_the_descriptions_too()
    {
        // 503 while still starting: the body is the same report.
        using var anonymousAnswer = await Factory.AnonymousClient().GetAsync(new Uri("/health", UriKind.Relative));
        using var signedInAnswer = await Client.GetAsync(new Uri("/health", UriKind.Relative));
        var anonymous = JsonNode.Parse(await anonymousAnswer.Content.ReadAsStringAsync())!;
        var signedIn = JsonNode.Parse(await signedInAnswer.Content.ReadAsStringAsync())!;

        var checks = anonymous["checks"]!.AsObject();
        Assert.Equal(["database", "hangfire", "scheduler"], checks.Select(c => c.Key).Order());
        Assert.All(checks, c => Assert.Equal(["status"], c.Value!.AsObject().Select(p => p.Key)));
        Assert.Equal("0 job(s)", signedIn["checks"]!["database"]!["description"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_hangfire_dashboard_is_read_only_even_for_an_Admin()
    {
        // A failed attempt whose retry waits ten minutes: a scheduled job on the dashboard, with the commands it would offer.
        var job = await Client.CreateJobAsync(JobsClient.ShellJob("flaky").With("command", "exit 1").With("max_retries", 1).With("retry_delay_seconds", 600));
        var runId = await Client.TriggerAsync(job);
        await Client.WaitForRunAsync(runId, r => r.Attempts.Count == 2);

        var page = await Client.GetStringAsync(new Uri("/hangfire/jobs/scheduled", UriKind.Relative));

        Assert.Contains("Attempt ", page, StringComparison.Ordinal);
        Assert.DoesNotContain("js-jobs-list-command", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_SMTP_test_sends_the_saved_password_to_the_saved_host_only()
    {
        using var admin = Acting.AsAdmin();
        using var smtp = new LoopbackSmtp(user: "etl", password: "saved-password");
        var saved = new SmtpOptions { Enabled = true, Host = "127.0.0.1", Port = smtp.Port, Security = SmtpSecurity.None, User = "etl", Password = "saved-password", From = "etl@example.com" };
        Assert.Empty(await Factory.Services.GetRequiredService<NotificationSettings>().SaveSmtpAsync(saved));
        var tester = Factory.Services.GetRequiredService<NotificationTester>();

        var elsewhere = await tester.TestSmtpAsync(saved with { Host = "localhost", Password = "" }, "ops@example.com");
        var same = await tester.TestSmtpAsync(saved with { Password = "" }, "ops@example.com");

        Assert.False(elsewhere.Succeeded);
        Assert.Equal("Type the password to test another host: the saved password is only ever sent to 127.0.0.1.", elsewhere.Text);
        Assert.True(same.Succeeded, same.Text);
        Assert.Single(await smtp.WaitForAsync(1));
    }
}
