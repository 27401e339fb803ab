using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace EtlWeb.Data;

/// <summary>
/// Lets <c>dotnet ef migrations add NAME --context PostgresEtlDbContext</c> build the PostgreSQL model without a
/// server or the app's configuration: adding a migration only compares models, it never connects.
/// </summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresEtlDbContext>
{
    public PostgresEtlDbContext CreateDbContext(string[] args) =>
        new(EtlDbContext.Configure(new DbContextOptionsBuilder<PostgresEtlDbContext>().UseNpgsql("Host=localhost;Database=etlweb")).Options);
}

/// <summary>
/// The SQLite model for <c>--context EtlDbContext</c>. Without it the tools would build that context with the factory
/// above, as a PostgresEtlDbContext is an EtlDbContext, and write PostgreSQL migrations among the SQLite ones.
/// </summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<EtlDbContext>
{
    public EtlDbContext CreateDbContext(string[] args) =>
        new(EtlDbContext.Configure(new DbContextOptionsBuilder<EtlDbContext>().UseSqlite("Data Source=etlweb-design.db")).Options);
}
