using EtlWeb.Configuration;
using EtlWeb.Testing;

namespace EtlWeb.Tests.Support;

/// <summary>One throwaway PostgreSQL cluster for a test class (<c>IClassFixture</c>); each test takes a fresh database of it.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresCluster? _cluster;

    public async Task InitializeAsync() => _cluster = await PostgresCluster.StartAsync();

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    /// <summary>Restarts the server: every open session ends, as in an upgrade or a failover.</summary>
    public Task RestartAsync() => _cluster!.RestartAsync();

    /// <summary>A new, empty database of the cluster; returns its connection string.</summary>
    public Task<string> CreateDatabaseAsync() => _cluster!.CreateDatabaseAsync();

    /// <summary>The settings that put both stores of EtlWeb in the database, in configuration-key form.</summary>
    public static Dictionary<string, string?> Settings(string connectionString) => new(StringComparer.OrdinalIgnoreCase)
    {
        [$"{DatabaseOptions.Section}:Provider"] = "postgresql",
        [$"{DatabaseOptions.Section}:ConnectionString"] = connectionString,
    };

    /// <summary>The same settings as environment variables, for EtlWeb as a child process.</summary>
    public static Dictionary<string, string> Environment(string connectionString) =>
        Settings(connectionString).ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!);
}
