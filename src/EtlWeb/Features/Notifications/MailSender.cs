using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using EtlWeb.Configuration;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace EtlWeb.Features.Notifications;

/// <summary>A message to send: the subject, a plain-text part, an HTML part, and the Slack blocks.</summary>
public sealed record OutgoingMessage(string Subject, string Text, string Html, System.Text.Json.Nodes.JsonObject Slack);

/// <summary>Sends one email through MailKit; returns the server's answer to the message, throws on any failure.</summary>
public sealed class MailSender
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public async Task<string> SendAsync(SmtpOptions options, IReadOnlyList<string> to, OutgoingMessage message, CancellationToken cancellationToken)
    {
        var mail = new MimeMessage { Subject = message.Subject };
        mail.From.Add(MailboxAddress.Parse(options.From));
        foreach (var address in to)
        {
            mail.To.Add(MailboxAddress.Parse(address));
        }

        mail.Body = new BodyBuilder { TextBody = message.Text, HtmlBody = message.Html }.ToMessageBody();
        using var client = new SmtpClient { Timeout = (int)Timeout.TotalMilliseconds };
        if (options.TrustedCertificateSha256.Length > 0)
        {
            client.ServerCertificateValidationCallback = (_, certificate, _, errors) => Trusts(options, certificate, errors);
        }

        var security = options.Security switch
        {
            SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
            SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
            _ => SecureSocketOptions.None,
        };
        await client.ConnectAsync(options.Host, options.Port, security, cancellationToken);
        if (options.User.Length > 0)
        {
            await client.AuthenticateAsync(options.User, options.Password, cancellationToken);
        }

        var answer = await client.SendAsync(mail, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
        return answer;
    }

    /// <summary>A certificate a CA vouches for, or exactly the one the configuration pins.</summary>
    private static bool Trusts(SmtpOptions options, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (certificate is null)
        {
            return false;
        }

        var thumbprint = certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256);
        return string.Equals(thumbprint, options.TrustedCertificateSha256.Replace(":", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
    }
}
