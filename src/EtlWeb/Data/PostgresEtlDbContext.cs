using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Data;

/// <summary>
/// The app DB on PostgreSQL: the same model as <see cref="EtlDbContext"/>, a type of its own so that its migrations
/// (<c>Data/Migrations/Postgres</c>) are kept apart from the SQLite ones, as EF Core finds migrations by context type.
/// It also holds the Data Protection key ring, which every node must share (on SQLite it is a directory beside the
/// database, as there is one node).
/// </summary>
public sealed class PostgresEtlDbContext(DbContextOptions<PostgresEtlDbContext> options) : EtlDbContext(options), IDataProtectionKeyContext
{
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<DataProtectionKey>().ToTable("data_protection_keys");
    }
}
