using EtlWeb.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EtlWeb.E2E;

public sealed class NotificationSettingsTests(AppFixture app) : IClassFixture<AppFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => app.ServerLog.CheckAsync();

    [Fact]
    public async Task A_common_server_fills_host_port_and_security_and_gmail_asks_for_an_app_password()
    {
        var page = await app.NewPageAsync();
        await AppFixture.GotoAsync(page, "/settings");
        var card = page.GetByTestId("settings-smtp");
        await Expect(card.GetByTestId("smtp-providers")).ToContainTextAsync("smtp.office365.com:587");

        await card.GetByTestId("smtp-provider-Gmail").ClickAsync();
        await Expect(card.GetByLabel("Host", new() { Exact = true })).ToHaveValueAsync("smtp.gmail.com");
        await Expect(card.GetByLabel("Port", new() { Exact = true })).ToHaveValueAsync("587");
        await Expect(card.GetByTestId("smtp-security")).ToContainTextAsync("STARTTLS");
        await Expect(card).ToContainTextAsync("Gmail: turn on 2-step verification, create an app password and use it here");
        await card.ScrollIntoViewIfNeededAsync();
        await AppFixture.ScreenshotAsync(page, "settings-smtp-gmail");

        await card.GetByTestId("smtp-provider-Outlook").ClickAsync();
        await Expect(card.GetByLabel("Host", new() { Exact = true })).ToHaveValueAsync("smtp.office365.com");
        await Expect(card).Not.ToContainTextAsync("app password");
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task The_smtp_test_button_shows_the_servers_answer_and_a_refused_connection()
    {
        using var smtp = new LoopbackSmtp();
        var page = await app.NewPageAsync();
        await AppFixture.GotoAsync(page, "/settings");
        var card = page.GetByTestId("settings-smtp");

        await card.GetByLabel("Host", new() { Exact = true }).FillAsync("127.0.0.1");
        await card.GetByLabel("Port", new() { Exact = true }).FillAsync(smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await card.GetByTestId("smtp-security").ClickAsync();
        await page.Locator(".mud-popover-open").GetByText("None", new() { Exact = true }).ClickAsync();

        // The choice must have reached the server before the test is sent; on a busy machine that takes a moment.
        await Expect(card.GetByTestId("smtp-security")).ToContainTextAsync("None");
        await card.GetByLabel("From address", new() { Exact = true }).FillAsync("etlweb@example.com");
        await card.GetByLabel("Send the test to", new() { Exact = true }).FillAsync("ops@example.com");
        await card.GetByTestId("smtp-test").ClickAsync();

        var outcome = card.GetByTestId("smtp-test-outcome");
        await Expect(outcome).ToContainTextAsync("Test passed. Sent to ops@example.com. The server answered:");
        await Expect(outcome).ToContainTextAsync("queued as loopback-1");
        var message = Assert.Single(await smtp.WaitForAsync(1));
        Assert.Equal("ops@example.com", Assert.Single(message.To.Mailboxes).Address);
        await card.ScrollIntoViewIfNeededAsync();
        await AppFixture.ScreenshotAsync(page, "settings-smtp-test-passed");

        var closed = LoopbackSmtp.FreePort();
        await card.GetByLabel("Port", new() { Exact = true }).FillAsync(closed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await card.GetByTestId("smtp-test").ClickAsync();

        await Expect(outcome).ToContainTextAsync($"Test failed. Connection refused by 127.0.0.1:{closed}");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppFixture.ScreenshotDirectory, "settings-smtp-test-refused.png") });
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task The_run_page_lists_the_runs_notifications_with_their_outcome()
    {
        var jobId = await app.CreateJobAsync(new { name = "notified-export", job_type = "shell", command = "echo exporting; exit 2", notify_slack = true });
        var runId = await app.RunJobAsync(jobId);
        var page = await app.NewPageAsync();
        await AppFixture.GotoAsync(page, $"/runs/{runId}");

        var table = page.GetByTestId("run-notifications");
        await Expect(table).ToContainTextAsync("Failure");
        await Expect(table).ToContainTextAsync("Slack notifications are off: turn them on under Settings › Slack.");
        await Expect(table.GetByText("Failed", new() { Exact = true })).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppFixture.ScreenshotDirectory, "run-page-notifications.png") });
        await page.Context.DisposeAsync();
    }
}
