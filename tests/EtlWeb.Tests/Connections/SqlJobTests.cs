using System.Text.Json.Nodes;
using EtlWeb.Tests.Support;
using Npgsql;

namespace EtlWeb.Tests.Connections;

/// <summary>
/// SQL jobs through named connections, run by the real clients: sqlite3 on a file, psql against a throwaway
/// PostgreSQL cluster. The client gets the connection its own way, stops at the first error and its output is the log.
/// </summary>
public sealed class SqlJobTests(PostgresFixture postgres) : HostTest, IClassFixture<PostgresFixture>
{
    private const string Password = "Pw-only-in-the-vault-42";

    private async Task AddConnectionAsync(JsonObject connection)
    {
        var (status, body) = await Client.SendJsonAsync(HttpMethod.Post, "/api/connections", connection.ToJsonString());
        Assert.True(status == System.Net.HttpStatusCode.Created, body?.ToJsonString());
    }

    private async Task<(string Status, string Log, string Reason)> RunSqlAsync(string name, string connection, string? script = null, string? file = null, string? workingDirectory = null)
    {
        var job = await Client.CreateJobAsync(new JsonObject
        {
            ["name"] = name, ["job_type"] = "sql", ["connection"] = connection, ["script"] = script, ["command"] = file,
            ["working_directory"] = workingDirectory,
        });
        var run = await Client.WaitForEndAsync(await Client.RunJobAsync(job));
        return (run.Status, await Client.LogAsync(run.Id), run.Reason ?? "");
    }

    [Fact]
    public async Task An_sqlite_job_runs_its_inline_query_and_a_sql_file_with_sqlite3_and_stops_at_the_first_error()
    {
        var database = Path.Combine(Factory.DataDirectory, "shop.db");
        await AddConnectionAsync(new JsonObject { ["name"] = "shop", ["kind"] = "sqlite", ["database"] = database });

        var (status, log, _) = await RunSqlAsync("load shop", "shop", script: """
            CREATE TABLE sales (region TEXT, amount INTEGER);
            INSERT INTO sales VALUES ('north', 120), ('south', 80);
            SELECT region || '=' || amount FROM sales ORDER BY region;
            """);
        Assert.Equal("Succeeded", status);
        Assert.Contains("north=120", log, StringComparison.Ordinal);
        Assert.Contains("south=80", log, StringComparison.Ordinal);

        var scripts = Path.Combine(Factory.DataDirectory, "sql");
        Directory.CreateDirectory(scripts);
        await File.WriteAllTextAsync(Path.Combine(scripts, "report.sql"), "SELECT 'total=' || SUM(amount) FROM sales;\n");
        (status, log, _) = await RunSqlAsync("report", "shop", file: "report.sql", workingDirectory: scripts);
        Assert.Equal("Succeeded", status);
        Assert.Contains("total=200", log, StringComparison.Ordinal);

        (status, log, _) = await RunSqlAsync("broken", "shop", script: """
            INSERT INTO sales VALUES ('east', 1);
            SELECT * FROM no_such_table;
            INSERT INTO sales VALUES ('after the error', 1);
            """);
        Assert.Equal("Failed", status);
        Assert.Contains("no such table: no_such_table", log, StringComparison.Ordinal);
        (_, log, _) = await RunSqlAsync("count", "shop", script: "SELECT 'rows=' || COUNT(*) FROM sales;");
        Assert.Contains("rows=3", log, StringComparison.Ordinal);

        (status, _, var reason) = await RunSqlAsync("missing file", "shop", file: "nowhere.sql", workingDirectory: scripts);
        Assert.Equal("Failed", status);
        Assert.Equal($"SQL file 'nowhere.sql' does not exist in '{scripts}'.", reason);
    }

    [Fact]
    public async Task A_postgresql_job_runs_psql_with_the_connection_in_a_service_file_stops_at_the_first_error_and_masks_the_password()
    {
        var database = new NpgsqlConnectionStringBuilder(await postgres.CreateDatabaseAsync());
        await AddConnectionAsync(new JsonObject
        {
            ["name"] = "warehouse", ["kind"] = "postgresql", ["host"] = database.Host, ["port"] = database.Port, ["database"] = database.Database,
            ["user"] = database.Username, ["password"] = Password, ["options"] = "application_name=etlweb-test connect_timeout=5",
        });

        var (status, log, _) = await RunSqlAsync("warehouse load", "warehouse", script: $"""
            CREATE TABLE sales (region text, amount int);
            INSERT INTO sales VALUES ('north', 120);
            SELECT current_database() AS db, current_setting('application_name') AS app, '{Password}' AS leaked;
            SELECT * FROM no_such_table;
            CREATE TABLE after_the_error (x int);
            """);

        Assert.Equal("Failed", status);
        Assert.Contains(database.Database!, log, StringComparison.Ordinal);
        Assert.Contains("etlweb-test", log, StringComparison.Ordinal);
        Assert.Contains("relation \"no_such_table\" does not exist", log, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, log, StringComparison.Ordinal);
        Assert.Contains("psql --no-psqlrc --set ON_ERROR_STOP=1 --file", log, StringComparison.Ordinal);

        await using var db = new NpgsqlConnection(database.ConnectionString);
        await db.OpenAsync();
        await using var check = new NpgsqlCommand("SELECT to_regclass('public.sales') IS NOT NULL, to_regclass('public.after_the_error') IS NOT NULL", db);
        await using var reader = await check.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.True(reader.GetBoolean(0));
        Assert.False(reader.GetBoolean(1));
    }

    [Fact]
    public async Task The_test_button_runs_select_1_through_the_client_and_says_why_it_failed()
    {
        var database = new NpgsqlConnectionStringBuilder(await postgres.CreateDatabaseAsync());
        await AddConnectionAsync(new JsonObject
        {
            ["name"] = "good", ["kind"] = "postgresql", ["host"] = database.Host, ["port"] = database.Port, ["database"] = database.Database, ["user"] = database.Username,
        });
        await AddConnectionAsync(new JsonObject
        {
            ["name"] = "gone", ["kind"] = "postgresql", ["host"] = "127.0.0.1", ["port"] = EtlWeb.Testing.LoopbackSmtp.FreePort(), ["database"] = "x", ["user"] = "x",
            ["password"] = Password,
        });
        await AddConnectionAsync(new JsonObject { ["name"] = "lite", ["kind"] = "sqlite", ["database"] = Path.Combine(Factory.DataDirectory, "lite.db") });

        var (_, good) = await Client.SendJsonAsync(HttpMethod.Post, "/api/connections/good/test", "{}");
        Assert.True(good!["succeeded"]!.GetValue<bool>(), good.ToJsonString());
        Assert.Equal("psql connected and ran SELECT 1.", good["message"]!.GetValue<string>());

        var (_, gone) = await Client.SendJsonAsync(HttpMethod.Post, "/api/connections/gone/test", "{}");
        Assert.False(gone!["succeeded"]!.GetValue<bool>());
        Assert.Equal("psql exited with code 2.", gone["message"]!.GetValue<string>());
        Assert.Contains("Connection refused", gone["output"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(Password, gone.ToJsonString(), StringComparison.Ordinal);

        var (_, lite) = await Client.SendJsonAsync(HttpMethod.Post, "/api/connections/lite/test", "{}");
        Assert.True(lite!["succeeded"]!.GetValue<bool>(), lite.ToJsonString());

        var (missing, _) = await Client.SendJsonAsync(HttpMethod.Post, "/api/connections/none/test", "{}");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing);
    }
}
