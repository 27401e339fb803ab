using EtlWeb.Core.Runs;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EtlWeb.Data;

internal sealed class RunConfiguration : IEntityTypeConfiguration<Run>
{
    public void Configure(EntityTypeBuilder<Run> builder)
    {
        builder.ToTable("runs");
        // The status is the condition of every change: a transition decided from one status is written only if the run
        // still has it (a compare-and-set), so two deciders never both move the same run.
        builder.Property(r => r.Status).HasConversion<string>().HasMaxLength(16).IsConcurrencyToken();
        builder.Property(r => r.Trigger).HasConversion<string>().HasMaxLength(16);
        builder.HasOne<EtlWeb.Core.Jobs.Job>().WithMany().HasForeignKey(r => r.JobId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(r => new { r.JobId, r.Id });

        // A job's active runs, and its latest finished run, found without reading its whole history.
        // BackfillId and ParentRunId last: the overlap, join and readiness decisions leave a backfill's runs and a for-each
        // run's items out and still read the index alone.
        builder.HasIndex(r => new { r.JobId, r.Status, r.Id, r.BackfillId, r.ParentRunId });
        builder.HasIndex(r => new { r.JobId, r.Id }, "IX_runs_JobId_Id_Finished").HasFilter("\"FinishedAt\" IS NOT NULL");
        builder.HasIndex(r => r.Status);
        // The dashboard's runs today and per hour: a stretch of queued times, counted by status from the index alone.
        builder.HasIndex(r => new { r.QueuedAt, r.Status });
        builder.HasIndex(r => r.PipelineId);
        builder.Property(r => r.Params).HasDefaultValue("{}");
        builder.HasIndex(r => r.BackfillId).HasFilter("\"BackfillId\" IS NOT NULL");
        builder.HasIndex(r => new { r.ParentRunId, r.Status }).HasFilter("\"ParentRunId\" IS NOT NULL");
        // A job's runs by the instant they are for; it holds every column the fire timeline reads of a run, so 90 days of
        // a minutely job are read from the index without touching the rows (each holds its definition snapshot).
        builder.HasIndex(r => new { r.JobId, r.LogicalDate, r.Trigger, r.Status, r.ParentRunId, r.BackfillId });
        builder.HasMany(r => r.Attempts).WithOne().HasForeignKey(a => a.RunId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AttemptConfiguration : IEntityTypeConfiguration<Attempt>
{
    public void Configure(EntityTypeBuilder<Attempt> builder)
    {
        builder.ToTable("attempts");
        builder.Property(a => a.Status).HasConversion<string>().HasMaxLength(16).IsConcurrencyToken();
        builder.HasIndex(a => new { a.RunId, a.Number }).IsUnique();
        builder.HasIndex(a => new { a.Status, a.Node });
        // A pool's slots in use: the sum over its running attempts.
        builder.HasIndex(a => new { a.Status, a.Pool });
        builder.Property(a => a.Marker).HasMaxLength(64);
        builder.Property(a => a.Pool).HasMaxLength(64).HasDefaultValue("");
        builder.Property(a => a.ResourceSource).HasMaxLength(16);
    }
}

internal sealed class LogChunkConfiguration : IEntityTypeConfiguration<LogChunk>
{
    public void Configure(EntityTypeBuilder<LogChunk> builder)
    {
        builder.ToTable("log_chunks");
        builder.HasIndex(c => new { c.AttemptId, c.FirstLine }).IsUnique();
        builder.HasOne<Attempt>().WithMany().HasForeignKey(c => c.AttemptId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class BackfillConfiguration : IEntityTypeConfiguration<Backfill>
{
    public void Configure(EntityTypeBuilder<Backfill> builder)
    {
        builder.ToTable("backfills");
        builder.Property(b => b.Mode).HasConversion<string>().HasMaxLength(16);
        builder.Property(b => b.Order).HasConversion<string>().HasMaxLength(16);
        builder.Property(b => b.CreatedBy).HasMaxLength(256);
        builder.HasOne<EtlWeb.Core.Jobs.Job>().WithMany().HasForeignKey(b => b.JobId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(b => b.Items).WithOne().HasForeignKey(i => i.BackfillId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(b => b.FinishedAt);
    }
}

internal sealed class BackfillItemConfiguration : IEntityTypeConfiguration<BackfillItem>
{
    public void Configure(EntityTypeBuilder<BackfillItem> builder)
    {
        builder.ToTable("backfill_items");
        builder.Property(i => i.Outcome).HasConversion<string>().HasMaxLength(16);
        builder.HasIndex(i => new { i.BackfillId, i.Sequence }).IsUnique();
        builder.HasIndex(i => i.RunId);
    }
}
