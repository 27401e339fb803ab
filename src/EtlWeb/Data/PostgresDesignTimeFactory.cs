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
        new(new DbContextOptionsBuilder<PostgresEtlDbContext>().UseNpgsql("Host=localhost;Database=etlweb").Options);
}
