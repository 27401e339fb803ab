using EtlWeb.Configuration;
using Microsoft.Extensions.Configuration;

namespace EtlWeb.Tests.Configuration;

/// <summary>Node settings that are each valid but cannot work together are refused before start.</summary>
public sealed class NodeSettingsTests
{
    private const string PostgreSql = "Host=127.0.0.1;Database=etlweb;Username=etlweb;Password=s3cret";

    private static IReadOnlyList<string> Problems(params (string Key, string Value)[] values) =>
        ConfigurationCheck.Problems(new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build());

    [Fact]
    public void A_worker_on_SQLite_is_refused_as_it_would_share_no_queue()
    {
        var problem = Assert.Single(Problems(("EtlWeb:Node:Role", "worker")));

        Assert.Equal("EtlWeb:Node:Role is Worker but EtlWeb:Database:Provider is Sqlite: a worker takes its work from the queue it shares "
            + "with a web node, which needs PostgreSql.", problem);
    }

    [Fact]
    public void A_node_that_runs_no_attempts_needs_PostgreSQL_and_must_be_a_web_node()
    {
        Assert.Contains("no other node would run them", Assert.Single(Problems(("EtlWeb:Node:RunsAttempts", "false"))), StringComparison.Ordinal);
        Assert.Contains("exists to run attempts", Assert.Single(Problems(
            ("EtlWeb:Node:RunsAttempts", "false"), ("EtlWeb:Node:Role", "Worker"),
            ("EtlWeb:Database:Provider", "PostgreSql"), ("EtlWeb:Database:ConnectionString", PostgreSql))), StringComparison.Ordinal);
    }

    [Fact]
    public void A_lost_limit_within_two_heartbeats_is_refused()
    {
        var problem = Assert.Single(Problems(("EtlWeb:Node:HeartbeatSeconds", "10"), ("EtlWeb:Node:LostAfterSeconds", "20")));

        Assert.StartsWith("EtlWeb:Node:LostAfterSeconds (20) must be more than twice EtlWeb:Node:HeartbeatSeconds (10)", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Workers_and_a_web_node_that_runs_nothing_on_PostgreSQL_pass()
    {
        (string, string)[] postgres = [("EtlWeb:Database:Provider", "PostgreSql"), ("EtlWeb:Database:ConnectionString", PostgreSql)];

        Assert.Empty(Problems([.. postgres, ("EtlWeb:Node:Role", "worker")]));
        Assert.Empty(Problems([.. postgres, ("EtlWeb:Node:RunsAttempts", "false"), ("EtlWeb:Node:HeartbeatSeconds", "1"), ("EtlWeb:Node:LostAfterSeconds", "3")]));
    }

    [Fact]
    public void A_role_that_does_not_exist_names_the_roles()
    {
        var problem = Assert.Single(Problems(("EtlWeb:Node:Role", "leader")));

        Assert.Equal("EtlWeb:Node:Role = \"leader\": must be one of Web, Worker.", problem);
    }
}
