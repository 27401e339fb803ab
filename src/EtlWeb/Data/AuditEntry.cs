using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EtlWeb.Data;

/// <summary>One thing a person (or token) did: who, from where, what, to which object.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }

    public DateTimeOffset At { get; set; }

    public string Actor { get; set; } = "";

    /// <summary>The client's IP address, when the action came over the network.</summary>
    public string? Address { get; set; }

    /// <summary>One of the actions the audit log names (AuditActions, in the Security folder).</summary>
    public string Action { get; set; } = "";

    /// <summary>What it was done to: a job's name, a run id, a user name, a settings section.</summary>
    public string Target { get; set; } = "";

    public string Details { get; set; } = "";
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.ToTable("audit_log");
        builder.HasIndex(e => e.At);
        builder.HasIndex(e => new { e.Action, e.At });
        builder.Property(e => e.Actor).HasMaxLength(256);
        builder.Property(e => e.Address).HasMaxLength(64);
        builder.Property(e => e.Action).HasMaxLength(64);
        builder.Property(e => e.Target).HasMaxLength(512);
    }
}
