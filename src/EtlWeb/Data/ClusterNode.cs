using EtlWeb.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EtlWeb.Data;

/// <summary>
/// One EtlWeb process as the other nodes see it: written by its own heartbeat, read by the Nodes page and by the
/// scheduler's holder, which takes the attempts of a node that went silent (Orchestration/NodeHeartbeat).
/// </summary>
public sealed class ClusterNode
{
    /// <summary><c>EtlWeb:Node:Name</c>, or the machine name; the attempts it claims carry it.</summary>
    public string Name { get; set; } = "";

    public NodeRole Role { get; set; }

    /// <summary>EtlWeb's version on that node.</summary>
    public string Version { get; set; } = "";

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset LastHeartbeat { get; set; }

    /// <summary>Attempts whose process runs there, at the last heartbeat.</summary>
    public int Running { get; set; }

    /// <summary>How many attempts it runs at once; 0 for a web node that leaves them to the workers.</summary>
    public int Workers { get; set; }

    /// <summary>Whether it held the scheduler lease at the last heartbeat.</summary>
    public bool Scheduler { get; set; }

    /// <summary>Set by a graceful stop, so the node shows Stopped rather than Lost.</summary>
    public DateTimeOffset? StoppedAt { get; set; }
}

internal sealed class ClusterNodeConfiguration : IEntityTypeConfiguration<ClusterNode>
{
    public void Configure(EntityTypeBuilder<ClusterNode> builder)
    {
        builder.ToTable("nodes");
        builder.HasKey(n => n.Name);
        builder.Property(n => n.Name).HasMaxLength(200);
        builder.Property(n => n.Role).HasConversion<string>().HasMaxLength(16);
        builder.Property(n => n.Version).HasMaxLength(64);
    }
}
