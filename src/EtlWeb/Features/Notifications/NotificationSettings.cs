using System.Security.Cryptography;
using System.Text.Json;
using EtlWeb.Configuration;
using EtlWeb.Data;
using EtlWeb.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EtlWeb.Features.Notifications;

/// <summary>
/// The SMTP and Slack settings in force: the configuration gives the defaults, a value saved on the Settings page
/// (one JSON row per channel in the <c>settings</c> table) wins as a whole. The SMTP password and the webhook URL
/// are stored as Data Protection payloads, so the database file never holds them in clear.
/// </summary>
public sealed class NotificationSettings(
    IDbContextFactory<EtlDbContext> dbFactory,
    IDataProtectionProvider protection,
    IOptions<SmtpOptions> smtp,
    IOptions<SlackOptions> slack,
    TimeProvider time,
    CurrentActor actors,
    AuditLog audit,
    ILogger<NotificationSettings> logger)
{
    public const string SmtpKey = SmtpOptions.Section;
    public const string SlackKey = SlackOptions.Section;

    private readonly IDataProtector _protector = protection.CreateProtector("EtlWeb.Notifications.Secrets.v1");

    public async Task<SmtpOptions> SmtpAsync(CancellationToken cancellationToken = default)
    {
        var stored = await ReadAsync<StoredSmtp>(SmtpKey, cancellationToken);
        return stored is null ? smtp.Value : new SmtpOptions
        {
            Enabled = stored.Enabled,
            Host = stored.Host,
            Port = stored.Port,
            Security = stored.Security,
            User = stored.User,
            Password = Open(stored.Password, SmtpKey),
            From = stored.From,
            TrustedCertificateSha256 = smtp.Value.TrustedCertificateSha256,
        };
    }

    public async Task<SlackOptions> SlackAsync(CancellationToken cancellationToken = default)
    {
        var stored = await ReadAsync<StoredSlack>(SlackKey, cancellationToken);
        return stored is null ? slack.Value : new SlackOptions { Enabled = stored.Enabled, WebhookUrl = Open(stored.WebhookUrl, SlackKey) };
    }

    /// <summary>Why the settings cannot be saved, by field; empty when they can.</summary>
    public static IReadOnlyDictionary<string, string> Validate(SmtpOptions options)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (options.Enabled && string.IsNullOrWhiteSpace(options.Host))
        {
            errors[nameof(SmtpOptions.Host)] = "Give the SMTP server's host name.";
        }

        if (options.Port is < 1 or > 65535)
        {
            errors[nameof(SmtpOptions.Port)] = "Port must be between 1 and 65535.";
        }

        if (options.Enabled && !MimeKit.MailboxAddress.TryParse(options.From, out _))
        {
            errors[nameof(SmtpOptions.From)] = "Give the sender's address, e.g. etlweb@example.com.";
        }

        return errors;
    }

    public static IReadOnlyDictionary<string, string> Validate(SlackOptions options)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if ((options.Enabled || options.WebhookUrl.Length > 0)
            && !(Uri.TryCreate(options.WebhookUrl, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"))
        {
            errors[nameof(SlackOptions.WebhookUrl)] = "Give the incoming-webhook URL Slack made, https://hooks.slack.com/services/...";
        }

        return errors;
    }

    /// <summary>Saves the SMTP settings; an empty password keeps the one in force. Returns the errors by field; none means saved.</summary>
    public async Task<IReadOnlyDictionary<string, string>> SaveSmtpAsync(SmtpOptions options, CancellationToken cancellationToken = default)
    {
        actors.Demand(EtlRoles.Admin, "change settings");
        if (options.Password.Length == 0)
        {
            options = options with { Password = (await SmtpAsync(cancellationToken)).Password };
        }

        var errors = Validate(options);
        if (errors.Count > 0)
        {
            return errors;
        }

        var stored = new StoredSmtp(options.Enabled, options.Host.Trim(), options.Port, options.Security, options.User.Trim(), Seal(options.Password), options.From.Trim());
        await WriteAsync(SmtpKey, stored, cancellationToken);
        await audit.RecordAsync(
            AuditActions.SettingsChanged,
            SmtpKey,
            $"enabled = {options.Enabled}, host = {stored.Host}:{stored.Port} ({stored.Security}), user = {stored.User}, from = {stored.From}",
            cancellationToken);
        return errors;
    }

    /// <summary>Saves the Slack settings; an empty URL keeps the one in force.</summary>
    public async Task<IReadOnlyDictionary<string, string>> SaveSlackAsync(SlackOptions options, CancellationToken cancellationToken = default)
    {
        actors.Demand(EtlRoles.Admin, "change settings");
        if (options.WebhookUrl.Length == 0)
        {
            options = options with { WebhookUrl = (await SlackAsync(cancellationToken)).WebhookUrl };
        }

        options = options with { WebhookUrl = options.WebhookUrl.Trim() };
        var errors = Validate(options);
        if (errors.Count > 0)
        {
            return errors;
        }

        await WriteAsync(SlackKey, new StoredSlack(options.Enabled, Seal(options.WebhookUrl)), cancellationToken);
        await audit.RecordAsync(AuditActions.SettingsChanged, SlackKey, $"enabled = {options.Enabled}, webhook URL {(options.WebhookUrl.Length > 0 ? "set" : "empty")}", cancellationToken);
        return errors;
    }

    private async Task<T?> ReadAsync<T>(string key, CancellationToken cancellationToken)
        where T : class
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await db.Settings.AsNoTracking().FirstOrDefaultAsync(s => s.Key == key, cancellationToken);
        try
        {
            return row is null ? null : JsonSerializer.Deserialize<T>(row.Value);
        }
        catch (JsonException ex)
        {
            logger.LogWarning(ex, "Saved setting {Key} is not valid; the configured value is used", key);
            return null;
        }
    }

    private async Task WriteAsync<T>(string key, T value, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await db.Settings.FirstOrDefaultAsync(s => s.Key == key, cancellationToken);
        if (row is null)
        {
            row = new StoredSetting { Key = key };
            db.Settings.Add(row);
        }

        row.Value = JsonSerializer.Serialize(value);
        row.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Settings saved: {Key}", key);
    }

    private string Seal(string secret) => secret.Length == 0 ? "" : _protector.Protect(secret);

    private string Open(string payload, string key)
    {
        if (payload.Length == 0)
        {
            return "";
        }

        try
        {
            return _protector.Unprotect(payload);
        }
        catch (CryptographicException ex)
        {
            // The key ring was lost or replaced: the secret is gone, so it counts as unset until saved again.
            logger.LogWarning(ex, "The secret saved in {Key} cannot be decrypted (key ring changed?); it is treated as unset", key);
            return "";
        }
    }

    private sealed record StoredSmtp(bool Enabled, string Host, int Port, SmtpSecurity Security, string User, string Password, string From);

    private sealed record StoredSlack(bool Enabled, string WebhookUrl);
}
