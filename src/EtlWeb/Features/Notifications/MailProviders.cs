using EtlWeb.Configuration;

namespace EtlWeb.Features.Notifications;

/// <summary>A well-known mail service's SMTP server, and whether it takes only an app password from accounts with 2-step verification.</summary>
public sealed record MailProvider(string Name, string Host, int Port, SmtpSecurity Security, bool WantsAppPassword);

/// <summary>The common servers the desktop tool's README names, offered on the email settings to fill the server in one click.</summary>
public static class MailProviders
{
    public static IReadOnlyList<MailProvider> All { get; } =
    [
        new("Gmail", "smtp.gmail.com", 587, SmtpSecurity.StartTls, WantsAppPassword: true),
        new("Outlook", "smtp.office365.com", 587, SmtpSecurity.StartTls, WantsAppPassword: false),
        new("Yahoo", "smtp.mail.yahoo.com", 587, SmtpSecurity.StartTls, WantsAppPassword: true),
    ];

    /// <summary>What to put in the password field for the server at <paramref name="host"/>, or null when nothing special.</summary>
    public static string? PasswordHint(string host) =>
        All.FirstOrDefault(p => p.WantsAppPassword && string.Equals(p.Host, host.Trim(), StringComparison.OrdinalIgnoreCase)) is { } provider
            ? $"{provider.Name}: turn on 2-step verification, create an app password and use it here, not the account's password."
            : null;
}
