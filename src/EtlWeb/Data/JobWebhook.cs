using EtlWeb.Core.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EtlWeb.Data;

/// <summary>
/// A job's webhook token. The SHA-256 hash finds the job when a call comes in; the Data Protection copy lets an
/// Operator read the token again (unlike an API token, which is shown once), without keeping it in clear.
/// </summary>
public sealed class JobWebhook
{
    public int JobId { get; set; }

    /// <summary>Lower-case hex SHA-256 of the whole token.</summary>
    public string TokenHash { get; set; } = "";

    public string ProtectedToken { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class JobWebhookConfiguration : IEntityTypeConfiguration<JobWebhook>
{
    public void Configure(EntityTypeBuilder<JobWebhook> builder)
    {
        builder.ToTable("job_webhooks");
        builder.HasKey(w => w.JobId);
        builder.HasIndex(w => w.TokenHash).IsUnique();
        builder.Property(w => w.TokenHash).HasMaxLength(64);
        builder.HasOne<Job>().WithOne().HasForeignKey<JobWebhook>(w => w.JobId).OnDelete(DeleteBehavior.Cascade);
    }
}
