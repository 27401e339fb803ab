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

/// <summary>Where links in notifications point; empty means the first address Kestrel listens on.</summary>
public sealed record PublicUrlOptions
{
    public string PublicUrl { get; init; } = "";
}
