using EtlWeb.Data;
using EtlWeb.Tests.Support;
using EtlWeb.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EtlWeb.Tests.Notifications;

public sealed class RestartDeliveryTests
{
    [Fact]
    public async Task A_notification_still_pending_at_a_restart_is_sent_after_the_start()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 10, 0, 0, TimeSpan.Zero));
        var directory = Path.Combine(Path.GetTempPath(), "etlweb-tests", Guid.NewGuid().ToString("N"));
        var port = LoopbackSmtp.FreePort();
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["EtlWeb:Smtp:Enabled"] = "true",
            ["EtlWeb:Smtp:Host"] = "127.0.0.1",
            ["EtlWeb:Smtp:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["EtlWeb:Smtp:Security"] = "None",
            ["EtlWeb:Smtp:From"] = "etlweb@example.com",
            ["EtlWeb:Notifications:RetryDelaySeconds"] = "3600",
        };
        long runId;
        await using (var before = new EtlWebFactory { DataDirectory = directory, DeleteDataDirectoryOnDispose = false, Settings = settings, ConfigureServices = s => s.AddSingleton<TimeProvider>(clock) })
        {
            var client = before.CreateClient();
            var job = await client.CreateJobAsync(JobsClient.ShellJob("nightly").With("command", "exit 1").With("notify_email", "ops@example.com"));
            runId = await client.RunJobAsync(job);
            var run = await client.WaitForRunAsync(runId, r => r.Notifications is [{ Attempts: 1 }]);
            var pending = run.Notifications![0];
            Assert.Equal(("pending", $"Connection refused by 127.0.0.1:{port}"), (pending.Status, pending.Error));
        }

        using var smtp = new LoopbackSmtp(port: port);
        clock.Advance(TimeSpan.FromHours(2));
        await using var after = new EtlWebFactory { DataDirectory = directory, Settings = settings, ConfigureServices = s => s.AddSingleton<TimeProvider>(clock) };
        after.CreateClient().Dispose();

        Assert.Equal("[EtlWeb] nightly failed", Assert.Single(await smtp.WaitForAsync(1)).Subject);
        await using var db = await after.Services.GetRequiredService<IDbContextFactory<EtlDbContext>>().CreateDbContextAsync();
        var deadline = Environment.TickCount64 + 10_000;
        Notification row;
        while ((row = await db.Notifications.AsNoTracking().SingleAsync(n => n.RunId == runId)).Status == NotificationStatus.Pending && Environment.TickCount64 < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Equal((NotificationStatus.Sent, 2), (row.Status, row.Attempts));
    }
}
