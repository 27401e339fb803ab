using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EtlWeb.Data;

public enum NotificationChannel
{
    Email,
    Slack,
}

/// <summary>Why a notification was sent; each smart alert is its own kind so it is sent once per run or per fire.</summary>
public enum NotificationKind
{
    Success,
    Failure,
    Recovered,
    Streak,
    LongRunning,
    Missed,
}

public enum NotificationStatus
{
    Pending,
    Sent,
    Failed,
}

/// <summary>
/// One message to one recipient about one run (or, for a missed fire, one job and fire time). The row is written
/// before delivery, so a restart finds what is still pending and the run's page shows how delivery went.
/// </summary>
public sealed class Notification
{
    public long Id { get; set; }

    /// <summary>Null for a missed fire: no run exists.</summary>
    public long? RunId { get; set; }

    public int JobId { get; set; }

    public NotificationChannel Channel { get; set; }

    /// <summary>The email address, or "slack".</summary>
    public string Recipient { get; set; } = "";

    public NotificationKind Kind { get; set; }

    public NotificationStatus Status { get; set; }

    public int Attempts { get; set; }

    public string? LastError { get; set; }

    /// <summary>The server's answer to the delivery that worked.</summary>
    public string? Response { get; set; }

    /// <summary>For a missed fire, the due time that produced no run: with JobId it makes the alert unique.</summary>
    public DateTimeOffset? FireTime { get; set; }

    /// <summary>The alert's own sentence ("3 runs in a row have failed."), fixed when the alert is raised.</summary>
    public string Detail { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    public DateTimeOffset? NextAttemptAt { get; set; }
}

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> builder)
    {
        builder.ToTable("notifications");
        builder.Property(n => n.Channel).HasConversion<string>().HasMaxLength(20);
        builder.Property(n => n.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(n => n.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(n => n.Recipient).HasMaxLength(320);
        builder.HasIndex(n => n.RunId);
        builder.HasIndex(n => n.Status);
        builder.HasIndex(n => new { n.JobId, n.Kind, n.FireTime });
        builder.HasOne<Core.Runs.Run>().WithMany().HasForeignKey(n => n.RunId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Core.Jobs.Job>().WithMany().HasForeignKey(n => n.JobId).OnDelete(DeleteBehavior.Cascade);
    }
}
