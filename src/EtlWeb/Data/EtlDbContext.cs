using EtlWeb.Core.Jobs;
using EtlWeb.Core.Runs;
using EtlWeb.Core.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace EtlWeb.Data;

public sealed class EtlDbContext(DbContextOptions<EtlDbContext> options) : DbContext(options)
{
    public DbSet<Job> Jobs => Set<Job>();

    public DbSet<JobDependency> Dependencies => Set<JobDependency>();

    public DbSet<Run> Runs => Set<Run>();

    public DbSet<Attempt> Attempts => Set<Attempt>();

    public DbSet<LogChunk> LogChunks => Set<LogChunk>();

    public DbSet<RunRequest> RunRequests => Set<RunRequest>();

    public DbSet<ScheduleState> ScheduleStates => Set<ScheduleState>();

    public DbSet<StoredSetting> Settings => Set<StoredSetting>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no date type that sorts and compares; UTC ticks in an integer do both.
        if (Database.IsSqlite())
        {
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        }
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(EtlDbContext).Assembly);
}
