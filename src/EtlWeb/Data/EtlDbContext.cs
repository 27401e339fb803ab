using EtlWeb.Core.Connections;
using EtlWeb.Core.Jobs;
using EtlWeb.Core.Runs;
using EtlWeb.Core.Scheduling;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace EtlWeb.Data;

/// <summary>
/// The app DB: jobs, runs and their logs, settings, and the users, roles, API tokens and audit log of sign-in.
/// On SQLite it is used as it is; on PostgreSQL through <see cref="PostgresEtlDbContext"/>, which only exists so that
/// each provider has its own migrations.
/// </summary>
public class EtlDbContext : IdentityDbContext<IdentityUser>
{
    public EtlDbContext(DbContextOptions<EtlDbContext> options)
        : base(options)
    {
    }

    protected EtlDbContext(DbContextOptions options)
        : base(options)
    {
    }

    public DbSet<Job> Jobs => Set<Job>();

    public DbSet<JobDependency> Dependencies => Set<JobDependency>();

    public DbSet<JobRevision> JobRevisions => Set<JobRevision>();

    public DbSet<ScheduleGap> ScheduleGaps => Set<ScheduleGap>();

    public DbSet<Run> Runs => Set<Run>();

    public DbSet<Attempt> Attempts => Set<Attempt>();

    public DbSet<LogChunk> LogChunks => Set<LogChunk>();

    public DbSet<RunRequest> RunRequests => Set<RunRequest>();

    public DbSet<ScheduleState> ScheduleStates => Set<ScheduleState>();

    public DbSet<Backfill> Backfills => Set<Backfill>();

    public DbSet<BackfillItem> BackfillItems => Set<BackfillItem>();

    public DbSet<StoredSetting> Settings => Set<StoredSetting>();

    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    public DbSet<Notification> Notifications => Set<Notification>();

    public DbSet<JobWebhook> JobWebhooks => Set<JobWebhook>();

    public DbSet<ClusterNode> Nodes => Set<ClusterNode>();

    public DbSet<Pool> Pools => Set<Pool>();

    public DbSet<Connection> Connections => Set<Connection>();

    public DbSet<FolderGrant> FolderGrants => Set<FolderGrant>();

    /// <summary>Read by the query filters at each query: whether the acting user sees every folder (<see cref="FolderVisibility"/>).</summary>
    private bool SeesAllFolders => FolderVisibility.Current is null;

    /// <summary>Read by the query filters at each query: the folders the acting user sees when not all.</summary>
    private string[] VisibleFolders => [.. FolderVisibility.Current ?? []];

    public DbSet<JobTemplate> JobTemplates => Set<JobTemplate>();
    public DbSet<BusinessCalendar> Calendars => Set<BusinessCalendar>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no date type that sorts and compares; UTC ticks in an integer do both.
        if (Database.IsSqlite())
        {
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        }
        else if (Database.IsNpgsql())
        {
            // timestamptz keeps an instant; Npgsql refuses to write an offset other than zero rather than drop it.
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcDateTimeOffsetConverter>();
        }
    }

    /// <summary>
    /// The folder filters hide jobs and runs only; the rows that point at a job (dependencies, revisions, webhooks) are
    /// read through a visible job or by EtlWeb's engine, which sees all, so EF's warning that a required end is filtered
    /// does not apply.
    /// </summary>
    /// <remarks>Set where the options are built: a pooled context may not change its options in OnConfiguring.</remarks>
    public static TBuilder Configure<TBuilder>(TBuilder options)
        where TBuilder : DbContextOptionsBuilder =>
        (TBuilder)options.ConfigureWarnings(w => w.Ignore(Microsoft.EntityFrameworkCore.Diagnostics.CoreEventId.PossibleIncorrectRequiredNavigationWithQueryFilterInteractionWarning));

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        IdentityTables.Rename(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(EtlDbContext).Assembly);

        // A job in a folder the acting user may not see is absent from every query, and so are its runs.
        builder.Entity<Job>().HasQueryFilter(j => SeesAllFolders || VisibleFolders.Any(f => j.Folder == f || j.Folder.StartsWith(f + "/")));
        builder.Entity<Run>().HasQueryFilter(r => SeesAllFolders || Jobs.IgnoreQueryFilters().Any(j => j.Id == r.JobId && VisibleFolders.Any(f => j.Folder == f || j.Folder.StartsWith(f + "/"))));
        builder.Entity<JobRevision>().HasQueryFilter(r => SeesAllFolders || Jobs.IgnoreQueryFilters().Any(j => j.Id == r.JobId && VisibleFolders.Any(f => j.Folder == f || j.Folder.StartsWith(f + "/"))));
        builder.Entity<Backfill>().HasQueryFilter(b => SeesAllFolders || Jobs.IgnoreQueryFilters().Any(j => j.Id == b.JobId && VisibleFolders.Any(f => j.Folder == f || j.Folder.StartsWith(f + "/"))));
        builder.Entity<ScheduleGap>().HasQueryFilter(g => SeesAllFolders || Jobs.IgnoreQueryFilters().Any(j => j.Id == g.JobId && VisibleFolders.Any(f => j.Folder == f || j.Folder.StartsWith(f + "/"))));
    }
}
