using System.Net;
using System.Text.Json.Nodes;
using EtlWeb.Orchestration;
using EtlWeb.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EtlWeb.Tests.Operations;

/// <summary>/health tells the database, Hangfire's storage and server, and the scheduler's heartbeat apart.</summary>
public sealed class HealthTests
{
    [Fact]
    public async Task A_broken_app_database_makes_health_503_naming_the_database_while_the_others_stay_healthy()
    {
        await using var factory = new EtlWebFactory();
        using var client = factory.CreateClient();
        await WaitForAsync(client, body => body["status"]!.GetValue<string>() == "Healthy");

        await RenameTableAsync(Path.Combine(factory.DataDirectory, "etlweb.db"), "jobs");

        var (status, body) = await HealthAsync(client);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("Unhealthy", body["status"]!.GetValue<string>());
        Assert.Equal("Unhealthy", body["checks"]!["database"]!["status"]!.GetValue<string>());
        Assert.Contains("jobs", body["checks"]!["database"]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("Healthy", body["checks"]!["hangfire"]!["status"]!.GetValue<string>());
        Assert.Equal("Healthy", body["checks"]!["scheduler"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Hangfire_storage_without_a_registered_server_makes_health_503_naming_hangfire_while_the_database_stays_healthy()
    {
        await using var factory = new EtlWebFactory();
        using var client = factory.CreateClient();
        await WaitForAsync(client, body => body["status"]!.GetValue<string>() == "Healthy");

        await RenameTableAsync(Path.Combine(factory.DataDirectory, "hangfire.db"), "Server");

        // Hangfire's SQLite storage recreates a missing table empty, so what shows is a storage without a live server.
        var (status, body) = await WaitForResponseAsync(client, b => b["checks"]!["hangfire"]!["status"]!.GetValue<string>() != "Healthy");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.NotEqual("Healthy", body["status"]!.GetValue<string>());
        Assert.StartsWith("No Hangfire server is registered", body["checks"]!["hangfire"]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("Healthy", body["checks"]!["database"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_scheduler_that_stopped_is_reported_unhealthy_once_it_started_more_than_ten_seconds_ago()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 10, 0, 0, TimeSpan.Zero));
        await using var factory = new EtlWebFactory { ConfigureServices = s => s.AddSingleton<TimeProvider>(clock) };
        using var client = factory.CreateClient();
        clock.Advance(TimeSpan.FromSeconds(1));
        await WaitForAsync(client, body => body["checks"]!["scheduler"]!["status"]!.GetValue<string>() == "Healthy");

        await factory.Services.GetRequiredService<Scheduler>().StopAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(11));

        var (status, body) = await HealthAsync(client);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("Unhealthy", body["checks"]!["scheduler"]!["status"]!.GetValue<string>());
        Assert.StartsWith("The scheduler is not running (started at 2026-06-01T10:00:00", body["checks"]!["scheduler"]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    /// <summary>A table gone from under the running app: its queries fail as with a damaged file, and the test's data directory is thrown away after.</summary>
    private static async Task RenameTableAsync(string database, string table)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Pooling=false");
        await connection.OpenAsync();
        await using var rename = connection.CreateCommand();
        rename.CommandText = $"ALTER TABLE \"{table}\" RENAME TO \"{table}_gone\"";
        await rename.ExecuteNonQueryAsync();
    }

    private static async Task<(HttpStatusCode Status, JsonNode Body)> HealthAsync(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("/health", UriKind.Relative));
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    private static async Task<JsonNode> WaitForAsync(HttpClient client, Func<JsonNode, bool> condition) =>
        (await WaitForResponseAsync(client, condition)).Body;

    /// <summary>The first /health answer whose body meets <paramref name="condition"/>, with that same answer's status code.</summary>
    private static async Task<(HttpStatusCode Status, JsonNode Body)> WaitForResponseAsync(HttpClient client, Func<JsonNode, bool> condition)
    {
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(60);
        (HttpStatusCode Status, JsonNode Body) answer;
        do
        {
            answer = await HealthAsync(client);
            if (condition(answer.Body))
            {
                return answer;
            }

            await Task.Delay(100);
        }
        while (TimeProvider.System.GetUtcNow() < deadline);

        Assert.Fail($"/health never reached the expected state: {answer.Body.ToJsonString()}");
        return answer;
    }
}
