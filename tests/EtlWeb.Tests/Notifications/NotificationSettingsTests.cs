using System.Text;
using EtlWeb.Configuration;
using EtlWeb.Features.Notifications;
using EtlWeb.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace EtlWeb.Tests.Notifications;

public sealed class NotificationSettingsTests
{
    private const string Password = "Tr0ub4dor-clear-text-password";

    private static NotificationSettings Settings(EtlWebFactory factory) => factory.Services.GetRequiredService<NotificationSettings>();

    [Fact]
    public async Task The_configuration_gives_the_defaults_and_saved_values_win()
    {
        using var admin = Acting.AsAdmin();
        await using var factory = new EtlWebFactory
        {
            Settings =
            {
                ["EtlWeb:Smtp:Enabled"] = "true",
                ["EtlWeb:Smtp:Host"] = "mail.example.com",
                ["EtlWeb:Smtp:Port"] = "465",
                ["EtlWeb:Smtp:Security"] = "SslOnConnect",
                ["EtlWeb:Smtp:User"] = "etl",
                ["EtlWeb:Smtp:Password"] = "configured",
                ["EtlWeb:Smtp:From"] = "etl@example.com",
                ["EtlWeb:Slack:Enabled"] = "true",
                ["EtlWeb:Slack:WebhookUrl"] = "https://hooks.slack.com/services/configured",
            },
        };
        var settings = Settings(factory);

        var configured = await settings.SmtpAsync();
        Assert.Equal(("mail.example.com", 465, SmtpSecurity.SslOnConnect, "etl", "configured", "etl@example.com"),
            (configured.Host, configured.Port, configured.Security, configured.User, configured.Password, configured.From));
        Assert.Equal("https://hooks.slack.com/services/configured", (await settings.SlackAsync()).WebhookUrl);

        // An empty password on save keeps the one in force.
        Assert.Empty(await settings.SaveSmtpAsync(configured with { Host = "relay.local", Port = 25, Security = SmtpSecurity.None, Password = "" }));
        var saved = await settings.SmtpAsync();
        Assert.Equal(("relay.local", 25, SmtpSecurity.None, "configured"), (saved.Host, saved.Port, saved.Security, saved.Password));
    }

    [Fact]
    public async Task Invalid_settings_are_refused_by_field()
    {
        using var admin = Acting.AsAdmin();
        await using var factory = new EtlWebFactory();

        var smtp = await Settings(factory).SaveSmtpAsync(new SmtpOptions { Enabled = true, Host = "", Port = 0, From = "not an address" });
        var slack = await Settings(factory).SaveSlackAsync(new SlackOptions { Enabled = true, WebhookUrl = "hooks.slack.com" });

        Assert.Equal(["From", "Host", "Port"], smtp.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("incoming-webhook URL", slack["WebhookUrl"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_password_and_the_webhook_url_are_stored_encrypted()
    {
        using var admin = Acting.AsAdmin();
        const string hook = "https://hooks.slack.com/services/T0/B0/clear-text-webhook-secret";
        var directory = Path.Combine(Path.GetTempPath(), "etlweb-tests", Guid.NewGuid().ToString("N"));
        await using (var factory = new EtlWebFactory { DataDirectory = directory, DeleteDataDirectoryOnDispose = false })
        {
            Assert.Empty(await Settings(factory).SaveSmtpAsync(new SmtpOptions { Enabled = true, Host = "relay.local", Port = 25, User = "etl", Password = Password, From = "etl@example.com" }));
            Assert.Empty(await Settings(factory).SaveSlackAsync(new SlackOptions { Enabled = true, WebhookUrl = hook }));
        }

        SqliteConnection.ClearAllPools();
        var bytes = Directory.GetFiles(directory, "etlweb.db*").SelectMany(File.ReadAllBytes).ToArray();
        var text = Encoding.UTF8.GetString(bytes);
        Assert.Contains("relay.local", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, text, StringComparison.Ordinal);
        Assert.DoesNotContain("clear-text-webhook-secret", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, Encoding.Unicode.GetString(bytes), StringComparison.Ordinal);

        // A restart on the same data directory (and key ring) reads them back.
        await using var again = new EtlWebFactory { DataDirectory = directory };
        Assert.Equal(Password, (await Settings(again).SmtpAsync()).Password);
        Assert.Equal(hook, (await Settings(again).SlackAsync()).WebhookUrl);
    }
}
