namespace EtlWeb.Features.Notifications;

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

    public bool Enabled { get; init; }

    public string Host { get; init; } = "";

    public int Port { get; init; } = 587;

    public SmtpSecurity Security { get; init; } = SmtpSecurity.StartTls;

    /// <summary>Empty: no authentication.</summary>
    public string User { get; init; } = "";

    public string Password { get; init; } = "";

    public string From { get; init; } = "";

    /// <summary>
    /// Configuration only: the SHA-256 thumbprint (hex) of a server certificate to trust even though no CA vouches
    /// for it (a self-signed relay). Every other certificate is validated as usual.
    /// </summary>
    public string TrustedCertificateSha256 { get; init; } = "";
}

/// <summary>Slack as configured under <c>EtlWeb:Slack</c>; values saved on the Settings page win.</summary>
public sealed record SlackOptions
{
    public const string Section = "EtlWeb:Slack";

    public bool Enabled { get; init; }

    /// <summary>An incoming-webhook URL; it is a credential, so it is stored encrypted and never shown back.</summary>
    public string WebhookUrl { get; init; } = "";
}

/// <summary>Delivery retries and the smart alerts' timing, under <c>EtlWeb:Notifications</c>.</summary>
public sealed record DeliveryOptions
{
    public const string Section = "EtlWeb:Notifications";

    /// <summary>Tries per message, the first included.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>Wait before the first retry; each further retry waits <see cref="RetryBackoff"/> times longer (10 s, 60 s).</summary>
    public double RetryDelaySeconds { get; init; } = 10;

    public double RetryBackoff { get; init; } = 6;

    /// <summary>How often running attempts and scheduled fires are checked for the longer-than-usual and did-not-run alerts.</summary>
    public double CheckIntervalSeconds { get; init; } = 30;

    /// <summary>How long after a due time a fire may still produce its run before "did not run" is sent.</summary>
    public double MissedGraceMinutes { get; init; } = 10;

    /// <summary>Successful attempts, newest first, whose p95 duration is the job's usual.</summary>
    public int DurationSample { get; init; } = 20;

    /// <summary>Fewer successful attempts than this and there is no "usual" duration yet.</summary>
    public int MinimumDurationSample { get; init; } = 3;
}
