using System.Net;
using System.Text.Json.Nodes;
using EtlWeb.Security;
using EtlWeb.Tests.Security;
using EtlWeb.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace EtlWeb.Tests.Connections;

/// <summary>The connections API: a write-only password, kinds and fields checked by name, audited changes, no removal under a job.</summary>
public sealed class ConnectionsApiTests : HostTest
{
    private Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, JsonObject body) =>
        Client.SendJsonAsync(method, path, body.ToJsonString());

    private static JsonObject Sqlite(string name, string database) =>
        new() { ["name"] = name, ["kind"] = "sqlite", ["database"] = database };

    [Fact]
    public async Task The_password_is_write_only_stored_encrypted_and_a_change_without_it_keeps_it()
    {
        var (created, _) = await SendAsync(HttpMethod.Post, "/api/connections", new JsonObject
        {
            ["name"] = "warehouse", ["kind"] = "postgresql", ["host"] = "db.example.com", ["port"] = 5433, ["database"] = "dwh",
            ["user"] = "etl", ["password"] = "S3cret-pw!", ["options"] = "sslmode=require",
        });
        Assert.Equal(HttpStatusCode.Created, created);

        var list = await Client.GetStringAsync(new Uri("/api/connections", UriKind.Relative));
        Assert.DoesNotContain("S3cret-pw!", list, StringComparison.Ordinal);
        var warehouse = JsonNode.Parse(list)!.AsArray().Single()!;
        Assert.Equal(("postgresql", "db.example.com", 5433, "dwh", "etl", "sslmode=require", true),
            (warehouse["kind"]!.GetValue<string>(), warehouse["host"]!.GetValue<string>(), warehouse["port"]!.GetValue<int>(), warehouse["database"]!.GetValue<string>(),
             warehouse["user"]!.GetValue<string>(), warehouse["options"]!.GetValue<string>(), warehouse["has_password"]!.GetValue<bool>()));
        Assert.Null(warehouse["password"]);
        DataFiles.AssertNowhere(Factory.DataDirectory, "S3cret-pw!", "The connection's password");

        var (changed, _) = await SendAsync(HttpMethod.Put, "/api/connections/warehouse", new JsonObject
        {
            ["kind"] = "postgresql", ["host"] = "db2.example.com", ["database"] = "dwh", ["user"] = "etl",
        });
        Assert.Equal(HttpStatusCode.NoContent, changed);
        warehouse = JsonNode.Parse(await Client.GetStringAsync(new Uri("/api/connections", UriKind.Relative)))!.AsArray().Single()!;
        Assert.Equal(("db2.example.com", 0, true), (warehouse["host"]!.GetValue<string>(), warehouse["port"]!.GetValue<int>(), warehouse["has_password"]!.GetValue<bool>()));

        await SendAsync(HttpMethod.Put, "/api/connections/warehouse", new JsonObject
        {
            ["kind"] = "postgresql", ["host"] = "db2.example.com", ["database"] = "dwh", ["user"] = "etl", ["password"] = "",
        });
        warehouse = JsonNode.Parse(await Client.GetStringAsync(new Uri("/api/connections", UriKind.Relative)))!.AsArray().Single()!;
        Assert.False(warehouse["has_password"]!.GetValue<bool>());

        var (entries, _) = await Factory.Services.GetRequiredService<AuditLog>().SearchAsync(new AuditQuery(Text: "warehouse", Take: 10));
        Assert.Equal(
            ["connection changed: postgresql etl@db2.example.com/dwh -> postgresql etl@db2.example.com/dwh; password removed",
             "connection changed: postgresql etl@db.example.com:5433/dwh -> postgresql etl@db2.example.com/dwh",
             "connection created: postgresql etl@db.example.com:5433/dwh"],
            entries.Select(e => $"{e.Action}: {e.Details}"));
        Assert.DoesNotContain(entries, e => e.Details.Contains("S3cret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Bad_fields_are_named_and_nothing_is_saved()
    {
        var (status, problem) = await SendAsync(HttpMethod.Post, "/api/connections", new JsonObject { ["name"] = "bad name!", ["kind"] = "oracle", ["port"] = 70000 });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("1 to 64 letters", JobsClient.ErrorsOf(problem, "name").Single(), StringComparison.Ordinal);
        Assert.Equal("'oracle' is not a connection kind; use one of postgresql, mysql, sqlserver, sqlite.", JobsClient.ErrorsOf(problem, "kind").Single());
        Assert.Contains("between 1 and 65535", JobsClient.ErrorsOf(problem, "port").Single(), StringComparison.Ordinal);

        (status, problem) = await SendAsync(HttpMethod.Post, "/api/connections", new JsonObject { ["name"] = "pg", ["kind"] = "postgresql" });
        Assert.Equal("A postgresql connection needs the database server's host name.", JobsClient.ErrorsOf(problem, "host").Single());
        (status, problem) = await SendAsync(HttpMethod.Post, "/api/connections", new JsonObject { ["name"] = "lite", ["kind"] = "sqlite" });
        Assert.Contains("names its database file", JobsClient.ErrorsOf(problem, "database").Single(), StringComparison.Ordinal);
        (status, problem) = await SendAsync(HttpMethod.Post, "/api/connections", new JsonObject { ["name"] = "x", ["kind"] = "sqlite", ["database"] = "/x.db", ["passwrd"] = "typo" });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("passwrd", problem!.ToJsonString(), StringComparison.Ordinal);

        Assert.Equal("[]", await Client.GetStringAsync(new Uri("/api/connections", UriKind.Relative)));
    }

    [Fact]
    public async Task A_job_names_an_existing_connection_only_as_an_sql_job_and_the_connection_stays_while_a_job_uses_it()
    {
        await SendAsync(HttpMethod.Post, "/api/connections", Sqlite("local", "/tmp/local.db"));

        var (status, problem) = await Client.SendJsonAsync(HttpMethod.Post, "/api/jobs", new JsonObject
        {
            ["name"] = "bad", ["job_type"] = "shell", ["command"] = "true", ["connection"] = "local",
        }.ToJsonString());
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Only an SQL job uses a connection.", JobsClient.ErrorsOf(problem, "connection").Single());

        (status, problem) = await Client.SendJsonAsync(HttpMethod.Post, "/api/jobs", new JsonObject
        {
            ["name"] = "bad", ["job_type"] = "sql", ["script"] = "SELECT 1;", ["connection"] = "nowhere",
        }.ToJsonString());
        Assert.Contains("There is no connection named 'nowhere'", JobsClient.ErrorsOf(problem, "connection").Single(), StringComparison.Ordinal);

        await Client.CreateJobAsync(new JsonObject { ["name"] = "report", ["job_type"] = "sql", ["script"] = "SELECT 1;", ["connection"] = "local" });
        using var refused = await Client.DeleteAsync(new Uri("/api/connections/local", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("is used by report", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var listed = JsonNode.Parse(await Client.GetStringAsync(new Uri("/api/connections", UriKind.Relative)))!.AsArray().Single()!;
        Assert.Equal(["report"], listed["jobs"]!.AsArray().Select(j => j!.GetValue<string>()));
    }
}
