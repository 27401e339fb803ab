using System.Text.Json;
using EtlWeb.Core.Jobs;
using EtlWeb.Core.Parameters;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EtlWeb.Data;

internal sealed class JobConfiguration : IEntityTypeConfiguration<Job>
{
    public void Configure(EntityTypeBuilder<Job> builder)
    {
        builder.ToTable("jobs");
        builder.HasIndex(j => j.Name).IsUnique();
        builder.Property(j => j.Name).HasMaxLength(JobValidator.MaxNameLength).IsRequired();
        builder.Property(j => j.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(j => j.ScheduleKind).HasConversion<string>().HasMaxLength(16);
        builder.Property(j => j.OverlapPolicy).HasConversion<string>().HasMaxLength(16);
        builder.Property(j => j.MisfirePolicy).HasConversion<string>().HasMaxLength(16);
        builder.Ignore(j => j.IsForEach);
        builder.Property(j => j.Pool).HasMaxLength(64).HasDefaultValue("");
        builder.Property(j => j.Folder).HasMaxLength(FolderPath.MaxLength).HasDefaultValue("");
        builder.HasIndex(j => j.Folder);
        builder.Property(j => j.Calendar).HasMaxLength(64).HasDefaultValue("");
        builder.Property(j => j.CalendarRule).HasConversion<string>().HasMaxLength(16).HasDefaultValue(CalendarRule.Skip);
        builder.Property(j => j.Connection).HasMaxLength(64).HasDefaultValue("");
        builder.Property(j => j.ForEachJob).HasMaxLength(JobValidator.MaxNameLength).HasDefaultValue("");
        builder.Property(j => j.ForEachOutput).HasMaxLength(Core.Runs.AttemptOutputs.MaxKeyLength).HasDefaultValue("");
        // Environment is split into clear and encrypted columns by JobSecretsInterceptor.
        builder.Ignore(j => j.Environment);
        builder.Property<string>(JobSecretsInterceptor.EnvironmentColumn).HasColumnName("Environment").IsRequired();
        builder.Property<string?>(JobSecretsInterceptor.SecretsColumn);
        builder.Property(j => j.SecretEnvironment).HasConversion(
            v => JsonSerializer.Serialize(v, JsonSerializerOptions.Default),
            v => JsonSerializer.Deserialize<List<string>>(v, JsonSerializerOptions.Default) ?? new(),
            new ValueComparer<List<string>>(
                (a, b) => a!.SequenceEqual(b!),
                v => v.Aggregate(0, (h, s) => HashCode.Combine(h, s.GetHashCode(StringComparison.Ordinal))),
                v => v.ToList()));
        builder.Property(j => j.Requirements).HasDefaultValue(new List<string>()).HasConversion(
            v => JsonSerializer.Serialize(v, JsonSerializerOptions.Default),
            v => JsonSerializer.Deserialize<List<string>>(v, JsonSerializerOptions.Default) ?? new(),
            new ValueComparer<List<string>>(
                (a, b) => a!.SequenceEqual(b!),
                v => v.Aggregate(0, (h, s) => HashCode.Combine(h, s.GetHashCode(StringComparison.Ordinal))),
                v => v.ToList()));
        builder.Property(j => j.Parameters).HasDefaultValue(new List<JobParameter>()).HasConversion(
            v => JsonSerializer.Serialize(v, JsonSerializerOptions.Default),
            v => JsonSerializer.Deserialize<List<JobParameter>>(v, JsonSerializerOptions.Default) ?? new(),
            new ValueComparer<List<JobParameter>>(
                (a, b) => JsonSerializer.Serialize(a, JsonSerializerOptions.Default) == JsonSerializer.Serialize(b, JsonSerializerOptions.Default),
                v => JsonSerializer.Serialize(v, JsonSerializerOptions.Default).GetHashCode(StringComparison.Ordinal),
                v => v.ToList()));
    }
}

internal sealed class JobDependencyConfiguration : IEntityTypeConfiguration<JobDependency>
{
    public void Configure(EntityTypeBuilder<JobDependency> builder)
    {
        builder.ToTable("job_dependencies");
        builder.HasKey(d => new { d.UpstreamJobId, d.DownstreamJobId });
        builder.HasIndex(d => d.DownstreamJobId);
        builder.Property(d => d.When).HasConversion<string>().HasMaxLength(16).HasDefaultValue(LinkKind.Success).HasSentinel((LinkKind)(-1));
        builder.Property(d => d.Condition).HasMaxLength(LinkConditions.MaxLength);
        builder.HasOne<Job>().WithMany().HasForeignKey(d => d.UpstreamJobId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Job>().WithMany().HasForeignKey(d => d.DownstreamJobId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class JobRevisionConfiguration : IEntityTypeConfiguration<JobRevision>
{
    public void Configure(EntityTypeBuilder<JobRevision> builder)
    {
        builder.ToTable("job_revisions");
        builder.HasIndex(r => new { r.JobId, r.Number }).IsUnique();
        builder.Property(r => r.Author).HasMaxLength(256);
        builder.HasOne<Job>().WithMany().HasForeignKey(r => r.JobId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PoolConfiguration : IEntityTypeConfiguration<Pool>
{
    public void Configure(EntityTypeBuilder<Pool> builder)
    {
        builder.ToTable("pools");
        builder.HasKey(p => p.Name);
        builder.Property(p => p.Name).HasMaxLength(64);
    }
}
