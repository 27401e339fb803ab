using EtlWeb.Configuration;
using EtlWeb.Data;
using EtlWeb.Features.Runs;
using EtlWeb.Metrics;
using EtlWeb.Orchestration;
using EtlWeb.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EtlWeb.Features.Notifications;

/// <summary>
/// Sends queued notifications one at a time and records each outcome on its row: sent with the server's answer,
/// or after the last try failed with the reason. A failed try is retried after a growing delay; rows still pending
/// at a restart are picked up at start by the node that holds the scheduler lease (which raises them), or by a web
/// node when it takes the lease over.
/// </summary>
public sealed class NotificationDelivery(
    IDbContextFactory<EtlDbContext> dbFactory,
    NotificationOutbox outbox,
    NotificationSettings settings,
    MailSender mail,
    SlackSender slack,
    RunReader reader,
    PublicLinks links,
    TimeProvider time,
    IOptions<DeliveryOptions> options,
    SchedulerLease lease,
    EtlMetrics metrics,
    ILogger<NotificationDelivery> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // EtlWeb's engine at work: it acts as itself, explicitly, and whatever it starts from here keeps that.
        using var system = CurrentActor.AsSystem();
        using var gained = lease.Subscribe(held =>
        {
            if (held)
            {
                _ = PickUpSafelyAsync(stoppingToken);
            }
        });
        try
        {
            if (lease.Held)
            {
                await PickUpPendingAsync(stoppingToken);
            }

            await foreach (var id in outbox.Ready.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await DeliverAsync(id, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogError(ex, "Notification {NotificationId} could not be delivered", id);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is still pending is picked up at the next start.
        }
    }

    private async Task PickUpSafelyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await PickUpPendingAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Pending notifications could not be picked up after this node took the scheduler lease");
        }
    }

    private async Task PickUpPendingAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var pending = await db.Notifications.AsNoTracking().Where(n => n.Status == NotificationStatus.Pending)
            .Select(n => new { n.Id, n.NextAttemptAt }).ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        foreach (var row in pending)
        {
            if (row.NextAttemptAt is { } next && next > now)
            {
                outbox.EnqueueLater(row.Id, next - now, cancellationToken);
            }
            else
            {
                outbox.Enqueue(row.Id);
            }
        }

        if (pending.Count > 0)
        {
            logger.LogInformation("{Count} pending notification(s) picked up at start", pending.Count);
        }
    }

    private async Task DeliverAsync(long id, CancellationToken stoppingToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(stoppingToken);
        var row = await db.Notifications.FirstOrDefaultAsync(n => n.Id == id, stoppingToken);
        if (row is not { Status: NotificationStatus.Pending })
        {
            return;
        }

        var summary = await SummaryAsync(db, row, stoppingToken);
        if (summary is null)
        {
            return;
        }

        var message = MessageComposer.Compose(row.Kind, summary);
        row.Attempts++;
        var (answer, error, retry) = await SendAsync(row, message, stoppingToken);
        var now = time.GetUtcNow();
        if (error is null)
        {
            row.Status = NotificationStatus.Sent;
            row.SentAt = now;
            row.Response = answer;
            row.LastError = null;
            row.NextAttemptAt = null;
        }
        else if (retry && row.Attempts < options.Value.MaxAttempts)
        {
            var delay = TimeSpan.FromSeconds(options.Value.RetryDelaySeconds * Math.Pow(options.Value.RetryBackoff, row.Attempts - 1));
            row.LastError = error;
            row.NextAttemptAt = now + delay;
            outbox.EnqueueLater(row.Id, delay, stoppingToken);
        }
        else
        {
            row.Status = NotificationStatus.Failed;
            row.LastError = error;
            row.NextAttemptAt = null;
        }

        await db.SaveChangesAsync(CancellationToken.None);
        if (error is not null)
        {
            metrics.NotificationFailed(row.Channel, retrying: row.Status == NotificationStatus.Pending);
            logger.LogWarning("{Channel} notification {NotificationId} to {Recipient}, try {Attempt}: {Error}", row.Channel, row.Id, row.Recipient, row.Attempts, error);
        }

        outbox.Changed(row.RunId);
    }

    /// <returns>The server's answer, or the error and whether another try may help.</returns>
    private async Task<(string? Answer, string? Error, bool Retry)> SendAsync(Notification row, OutgoingMessage message, CancellationToken stoppingToken)
    {
        if (row.Channel == NotificationChannel.Email)
        {
            var smtp = await settings.SmtpAsync(stoppingToken);
            if (!smtp.Enabled || smtp.Host.Length == 0)
            {
                return (null, "Email notifications are off: turn them on under Settings › Email (SMTP).", false);
            }

            try
            {
                return (await mail.SendAsync(smtp, [row.Recipient], message, stoppingToken), null, false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                return (null, DeliveryErrors.Describe(ex, smtp.Host, smtp.Port), true);
            }
        }

        var hook = await settings.SlackAsync(stoppingToken);
        if (!hook.Enabled || hook.WebhookUrl.Length == 0)
        {
            return (null, "Slack notifications are off: turn them on under Settings › Slack.", false);
        }

        try
        {
            return (await slack.SendAsync(hook, message, stoppingToken), null, false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            var uri = new Uri(hook.WebhookUrl);
            return (null, DeliveryErrors.Describe(ex, uri.Host, uri.Port), true);
        }
    }

    private async Task<RunSummary?> SummaryAsync(EtlDbContext db, Notification row, CancellationToken cancellationToken)
    {
        var jobName = await db.Jobs.Where(j => j.Id == row.JobId).Select(j => j.Name).FirstOrDefaultAsync(cancellationToken) ?? $"job {row.JobId}";
        if (row.RunId is not { } runId)
        {
            return new RunSummary(jobName, null, "Did not run", "Schedule", 0, null, null, null, null, [], links.Job(row.JobId), row.Detail);
        }

        var run = await db.Runs.AsNoTracking().Include(r => r.Attempts).FirstOrDefaultAsync(r => r.Id == runId, cancellationToken);
        return run is null ? null : await RunSummary.ReadAsync(run, jobName, reader, links.Run(runId), row.Detail, time, cancellationToken);
    }
}
