using EtlWeb.Configuration;
using Microsoft.Extensions.Configuration;

namespace EtlWeb.Tests.Configuration;

/// <summary>The provider and connection string are checked before start, together, and the connection string is never echoed.</summary>
public sealed class DatabaseSettingsTests
{
    private static IReadOnlyList<string> Problems(params (string Key, string Value)[] values) =>
        ConfigurationCheck.Problems(new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build());

    [Theory]
    [InlineData("postgresql")]
    [InlineData("PostgreSql")]
    public void PostgreSql_without_a_connection_string_is_one_line_that_says_what_is_missing(string provider)
    {
        var problem = Assert.Single(Problems(("EtlWeb:Database:Provider", provider)));

        Assert.Equal(DatabaseOptions.MissingConnectionString + ".", problem);
        Assert.StartsWith("EtlWeb:Database:ConnectionString is empty: it is required when EtlWeb:Database:Provider is PostgreSql", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void PostgreSql_with_a_connection_string_and_Sqlite_without_one_are_accepted()
    {
        Assert.Empty(Problems(("EtlWeb:Database:Provider", "postgresql"), ("EtlWeb:Database:ConnectionString", "Host=127.0.0.1;Database=etlweb;Username=etlweb;Password=s3cret")));
        Assert.Empty(Problems(("EtlWeb:Database:Provider", "sqlite")));
    }

    [Fact]
    public void An_unknown_provider_names_the_ones_there_are()
    {
        var problem = Assert.Single(Problems(("EtlWeb:Database:Provider", "mysql")));

        Assert.Equal("EtlWeb:Database:Provider = \"mysql\": must be one of Sqlite, PostgreSql.", problem);
    }

    [Fact]
    public void A_connection_string_Npgsql_cannot_read_is_refused_without_showing_it()
    {
        var problem = Assert.Single(Problems(("EtlWeb:Database:Provider", "postgresql"), ("EtlWeb:Database:ConnectionString", "Host=db;Pasword=s3cret")));

        Assert.StartsWith("EtlWeb:Database:ConnectionString = (hidden): must be a PostgreSQL connection string", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", problem, StringComparison.Ordinal);
    }
}
