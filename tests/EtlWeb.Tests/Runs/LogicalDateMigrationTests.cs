using EtlWeb.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace EtlWeb.Tests.Runs;

/// <summary>An upgrade gives the runs stored before logical dates existed the time they were queued as theirs.</summary>
public sealed class LogicalDateMigrationTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"etlweb-migration-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_file);
    }

    [Fact]
    public async Task A_run_stored_before_the_upgrade_is_for_the_time_it_was_queued()
    {
        var options = new DbContextOptionsBuilder<EtlDbContext>().UseSqlite($"Data Source={_file};Foreign Keys=False").Options;
        await using var db = new EtlDbContext(options);
        var migrator = db.GetService<IMigrator>();
        var migrations = db.Database.GetMigrations().ToList();
        await migrator.MigrateAsync(migrations[migrations.FindIndex(m => m.EndsWith("_LogicalDate", StringComparison.Ordinal)) - 1]);
        var queued = new DateTimeOffset(2026, 3, 1, 2, 0, 0, TimeSpan.Zero);
        var stored = (long)new DateTimeOffsetToBinaryConverter().ConvertToProvider(queued)!;

        // No job row for it to point at: this connection does not enforce foreign keys.
        await db.Database.ExecuteSqlInterpolatedAsync(
            $$"""INSERT INTO runs ("JobId", "Trigger", "Status", "DefinitionSnapshot", "QueuedAt", "CancelRequested") VALUES (1, 'Schedule', 'Succeeded', '{}', {{stored}}, 0)""");

        await migrator.MigrateAsync();

        var run = await db.Runs.AsNoTracking().SingleAsync();
        Assert.Equal(queued, run.QueuedAt);
        Assert.Equal(queued, run.LogicalDate);
    }
}
