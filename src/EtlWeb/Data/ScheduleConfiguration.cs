using EtlWeb.Core.Jobs;
using EtlWeb.Core.Runs;
using EtlWeb.Core.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EtlWeb.Data;

internal sealed class ScheduleStateConfiguration : IEntityTypeConfiguration<ScheduleState>
{
    public void Configure(EntityTypeBuilder<ScheduleState> builder)
    {
        builder.ToTable("schedule_states");
        builder.HasKey(s => s.JobId);
        builder.HasOne<Job>().WithOne().HasForeignKey<ScheduleState>(s => s.JobId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RunRequestConfiguration : IEntityTypeConfiguration<RunRequest>
{
    public void Configure(EntityTypeBuilder<RunRequest> builder)
    {
        builder.ToTable("run_requests");
        builder.Property(r => r.Trigger).HasConversion<string>().HasMaxLength(16);
        builder.HasIndex(r => r.PipelineId);
        builder.HasIndex(r => r.RunId);
        builder.HasIndex(r => r.FireAt).HasFilter("\"FireAt\" IS NOT NULL");
        builder.HasOne<Run>().WithMany().HasForeignKey(r => r.RunId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ScheduleGapConfiguration : IEntityTypeConfiguration<ScheduleGap>
{
    public void Configure(EntityTypeBuilder<ScheduleGap> builder)
    {
        builder.ToTable("schedule_gaps");
        builder.Property(g => g.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(g => g.Detail).HasMaxLength(64);
        builder.HasIndex(g => new { g.JobId, g.To });
        builder.HasOne<Job>().WithMany().HasForeignKey(g => g.JobId).OnDelete(DeleteBehavior.Cascade);
    }
}
