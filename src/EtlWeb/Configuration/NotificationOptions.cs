using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace EtlWeb.Configuration;

public enum SmtpSecurity
{
    None,
    StartTls,
    SslOnConnect,
}

/// <summary>SMTP as configured under <c>EtlWeb:Smtp</c>; values saved on the Settings page win (NotificationSettings).</summary>
public sealed record SmtpOptions
{
    public const string Section = "EtlWeb:Smtp";

    [Description("Send email notifications.")]
    public bool Enabled { get; init; }

    [Description("The SMTP server's host name.")]
    public string Host { get; init; } = "";

    [Range(1, 65535)]
    [Description("The SMTP server's port.")]
    public int Port { get; init; } = 587;

    [Description("None, StartTls or SslOnConnect; the server certificate is validated.")]
    public SmtpSecurity Security { get; init; } = SmtpSecurity.StartTls;

    [Description("The SMTP user; empty means no authentication.")]
    public string User { get; init; } = "";

    [Description("The SMTP password.")]
    public string Password { get; init; } = "";

    [Description("The sender address.")]
    public string From { get; init; } = "";

    [Description("Configuration only: the SHA-256 thumbprint (hex) of a self-signed server certificate to trust as well; every other certificate is validated as usual.")]
    public string TrustedCertificateSha256 { get; init; } = "";
}

/// <summary>Slack as configured under <c>EtlWeb:Slack</c>; values saved on the Settings page win.</summary>
public sealed record SlackOptions
{
    public const string Section = "EtlWeb:Slack";

    [Description("Post notifications to Slack.")]
    public bool Enabled { get; init; }

    [AbsoluteHttpUrl]
    [Description("A Slack incoming-webhook URL; a credential, stored encrypted when saved on the Settings page and never shown back.")]
    public string WebhookUrl { get; init; } = "";
}

/// <summary>Delivery retries and the smart alerts' timing, under <c>EtlWeb:Notifications</c>.</summary>
public sealed record DeliveryOptions
{
    public const string Section = "EtlWeb:Notifications";

    [Range(1, 100)]
    [Description("Tries per notification, the first included.")]
    public int MaxAttempts { get; init; } = 3;

    [Range(0.1, 86400)]
    [Description("Seconds before the first retry of a notification.")]
    public double RetryDelaySeconds { get; init; } = 10;

    [Range(1, 100)]
    [Description("Each further retry waits this many times longer (10 s, then 60 s).")]
    public double RetryBackoff { get; init; } = 6;

    [Range(1, 3600)]
    [Description("Seconds between checks of running attempts and scheduled fires for the longer-than-usual and did-not-run alerts, while attempts are queued or running (an idle single node sleeps until a watched fire is due).")]
    public double CheckIntervalSeconds { get; init; } = 30;

    [Range(0.1, 1440)]
    [Description("Minutes after its due time a fire may still produce its run before \"did not run\" is sent.")]
    public double MissedGraceMinutes { get; init; } = 10;

    [Range(1, 1000)]
    [Description("Successful attempts, newest first, whose p95 duration is a job's usual duration.")]
    public int DurationSample { get; init; } = 20;

    [Range(1, 1000)]
    [Description("With fewer successful attempts than this a job has no usual duration yet.")]
    public int MinimumDurationSample { get; init; } = 3;
}
