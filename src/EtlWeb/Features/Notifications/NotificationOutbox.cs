using System.Threading.Channels;
using EtlWeb.Core.Jobs;
using EtlWeb.Data;
using EtlWeb.Realtime;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Features.Notifications;

/// <summary>
/// Raises alerts as <c>notifications</c> rows (one per recipient) and hands their ids to delivery, at once or after
/// a retry delay. Rows come first, so what was raised survives a restart and shows on the run's page.
/// </summary>
public sealed class NotificationOutbox(IDbContextFactory<EtlDbContext> dbFactory, TimeProvider time, ILogger<NotificationOutbox> logger)
{
    private readonly Channel<long> _ready = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Subscribers<long?> _subscribers = new();

    public ChannelReader<long> Ready => _ready.Reader;

    /// <summary>The email addresses of a job's notify_email field.</summary>
    public static IReadOnlyList<string> EmailAddresses(Job job) =>
        [.. job.NotifyEmail.Split([',', ';', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.OrdinalIgnoreCase)];

    /// <summary>Writes one pending row per recipient of the job and queues them; none when the job names no recipient.</summary>
    public async Task<int> RaiseAsync(Job job, long? runId, Alert alert, DateTimeOffset? fireTime, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var rows = EmailAddresses(job)
            .Select(address => New(NotificationChannel.Email, address))
            .Concat(job.NotifySlack ? [New(NotificationChannel.Slack, "slack")] : [])
            .ToList();
        if (rows.Count == 0)
        {
            return 0;
        }

        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            db.Notifications.AddRange(rows);
            await db.SaveChangesAsync(cancellationToken);
        }

        logger.LogInformation("{Kind} notification for job {JobId} (run {RunId}) queued to {Count} recipient(s)", alert.Kind, job.Id, runId, rows.Count);
        foreach (var row in rows)
        {
            Enqueue(row.Id);
        }

        Changed(runId);
        return rows.Count;

        Notification New(NotificationChannel channel, string recipient) => new()
        {
            RunId = runId,
            JobId = job.Id,
            Channel = channel,
            Recipient = recipient,
            Kind = alert.Kind,
            Detail = alert.Detail,
            FireTime = fireTime,
            Status = NotificationStatus.Pending,
            CreatedAt = now,
            NextAttemptAt = now,
        };
    }

    public void Enqueue(long notificationId) => _ready.Writer.TryWrite(notificationId);

    /// <summary>Queues the row again once <paramref name="delay"/> is over, unless the host stops first (then the start-up pick-up finds it).</summary>
    public void EnqueueLater(long notificationId, TimeSpan delay, CancellationToken stopping) =>
        _ = Task.Delay(delay, time, stopping).ContinueWith(
            _ => Enqueue(notificationId), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);

    /// <summary>Calls <paramref name="onChanged"/> with the run id (null for a missed fire) when a notification was raised or delivered.</summary>
    public IDisposable Subscribe(Action<long?> onChanged) => _subscribers.Add(onChanged);

    public void Changed(long? runId) => _subscribers.Publish(runId);
}
