using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Data;

/// <summary>
/// The app DB on PostgreSQL: the same model as <see cref="EtlDbContext"/>, a type of its own so that its migrations
/// (<c>Data/Migrations/Postgres</c>) are kept apart from the SQLite ones, as EF Core finds migrations by context type.
/// </summary>
public sealed class PostgresEtlDbContext(DbContextOptions<PostgresEtlDbContext> options) : EtlDbContext(options);
