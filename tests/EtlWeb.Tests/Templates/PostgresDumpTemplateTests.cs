using EtlWeb.Tests.Support;
using Npgsql;
using static EtlWeb.Tests.Templates.TemplateClient;

namespace EtlWeb.Tests.Templates;

/// <summary>The shipped PostgreSQL dump template run with the real pg_dump against a throwaway cluster (trust authentication).</summary>
public sealed class PostgresDumpTemplateTests(PostgresFixture postgres) : HostTest, IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task The_dump_template_writes_a_timestamped_custom_dump_and_deletes_only_this_databases_dumps_past_retention()
    {
        var database = new NpgsqlConnectionStringBuilder(await postgres.CreateDatabaseAsync());
        await using (var db = new NpgsqlConnection(database.ConnectionString))
        {
            await db.OpenAsync();
            await using var create = new NpgsqlCommand("CREATE TABLE sales (region text, amount int); INSERT INTO sales VALUES ('north', 120);", db);
            await create.ExecuteNonQueryAsync();
        }

        var dumps = Directory.CreateDirectory(Path.Combine(Factory.DataDirectory, "dumps")).FullName;
        var expired = Path.Combine(dumps, $"{database.Database}-20200101T000000Z.dump");
        var recent = Path.Combine(dumps, $"{database.Database}-20200102T000000Z.dump");
        var otherDatabase = Path.Combine(dumps, "other-20200101T000000Z.dump");
        foreach (var (file, days) in new[] { (expired, 30), (recent, 2), (otherDatabase, 30) })
        {
            await File.WriteAllTextAsync(file, "old dump");
            File.SetLastWriteTimeUtc(file, TimeProvider.System.GetUtcNow().UtcDateTime.AddDays(-days));
        }

        var (jobs, body) = await Client.InstantiateAsync("PostgreSQL dump with retention", "backups", Values(
            ("host", database.Host!), ("port", database.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("user", database.Username!),
            ("database", database.Database!), ("directory", dumps), ("keep_days", "7")));
        Assert.Equal($"Dump {database.Database}", jobs[0].Name);
        Assert.Contains(body["notes"]!.AsArray(), n => n!.GetValue<string>().StartsWith($"The secret variable PGPASSWORD of 'Dump {database.Database}' is empty", StringComparison.Ordinal));

        var run = await Client.RunToEndAsync(jobs[0].Id);

        var log = await Client.LogAsync(run.Id);
        Assert.True(run.Status == "Succeeded", log);
        var written = run.Outputs["file"].GetString()!;
        Assert.Matches($@"^{database.Database}-\d{{8}}T\d{{6}}Z\.dump$", Path.GetFileName(written));
        Assert.Equal("PGDMP", System.Text.Encoding.ASCII.GetString((await File.ReadAllBytesAsync(written))[..5]));
        Assert.False(File.Exists(expired));
        Assert.True(File.Exists(recent) && File.Exists(otherDatabase));
        Assert.Contains($"Deleted old dump {expired}", log, StringComparison.Ordinal);
    }
}
