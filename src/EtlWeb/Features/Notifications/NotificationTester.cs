using System.Text.Json.Nodes;
using EtlWeb.Configuration;
using EtlWeb.Security;

namespace EtlWeb.Features.Notifications;

/// <summary>What a Test button shows: the server's answer, or the exact failure.</summary>
public sealed record TestOutcome(bool Succeeded, string Text);

/// <summary>The Settings page's Test buttons: send a real message with the settings as typed (not yet saved).</summary>
public sealed class NotificationTester(NotificationSettings settings, MailSender mail, SlackSender slack, CurrentActor actors, ILogger<NotificationTester> logger)
{
    /// <param name="options">As typed; an empty password means the one in force.</param>
    public async Task<TestOutcome> TestSmtpAsync(SmtpOptions options, string to, CancellationToken cancellationToken = default)
    {
        // It uses the saved password: only those who may change the settings may try them.
        actors.Demand(EtlRoles.Admin, "test the email settings");
        var current = await settings.SmtpAsync(cancellationToken);
        if (options.Password.Length == 0 && current.Password.Length > 0)
        {
            // A typed host that is not the saved one could be anyone's: the saved password goes to the saved host only.
            if (!string.Equals(options.Host.Trim(), current.Host.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return new TestOutcome(false, $"Type the password to test another host: the saved password is only ever sent to {current.Host}.");
            }

            options = options with { Password = current.Password };
        }

        options = options with { TrustedCertificateSha256 = current.TrustedCertificateSha256 };
        if (!MimeKit.MailboxAddress.TryParse(options.From, out _) || !MimeKit.MailboxAddress.TryParse(to, out _))
        {
            return new TestOutcome(false, "Give a valid From address and a valid test recipient.");
        }

        var message = new OutgoingMessage(
            "EtlWeb test message",
            "This is a test message from EtlWeb. Email notifications reach this address.",
            "<p>This is a test message from <b>EtlWeb</b>. Email notifications reach this address.</p>",
            []);
        try
        {
            var answer = await mail.SendAsync(options, [to], message, cancellationToken);
            return new TestOutcome(true, $"Sent to {to}. The server answered: {answer}");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogInformation(ex, "SMTP test to {Host}:{Port} failed", options.Host, options.Port);
            return new TestOutcome(false, DeliveryErrors.Describe(ex, options.Host, options.Port));
        }
    }

    /// <param name="options">As typed; an empty URL means the one in force.</param>
    public async Task<TestOutcome> TestSlackAsync(SlackOptions options, CancellationToken cancellationToken = default)
    {
        actors.Demand(EtlRoles.Admin, "test the Slack settings");
        if (options.WebhookUrl.Length == 0)
        {
            options = options with { WebhookUrl = (await settings.SlackAsync(cancellationToken)).WebhookUrl };
        }

        if (!Uri.TryCreate(options.WebhookUrl, UriKind.Absolute, out var uri))
        {
            return new TestOutcome(false, "Give the incoming-webhook URL first.");
        }

        var message = new OutgoingMessage("", "", "", new JsonObject { ["text"] = ":white_check_mark: Test message from *EtlWeb*: Slack notifications reach this channel." });
        try
        {
            return new TestOutcome(true, await slack.SendAsync(options, message, cancellationToken));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogInformation(ex, "Slack test to {Host} failed", uri.Host);
            return new TestOutcome(false, DeliveryErrors.Describe(ex, uri.Host, uri.Port));
        }
    }
}
