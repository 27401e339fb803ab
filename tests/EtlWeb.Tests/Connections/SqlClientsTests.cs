using EtlWeb.Core.Connections;
using EtlWeb.Core.Execution;

namespace EtlWeb.Tests.Connections;

/// <summary>What each client is given: the connection in its own file format, options included, the password quoted where the format needs it.</summary>
public sealed class SqlClientsTests
{
    private static SqlTarget Target(ConnectionKind kind, string options = "", string password = "p@ss \"word\"") =>
        new("warehouse", kind, "db.example.com", 5433, "dwh", "etl", password, options);

    [Fact]
    public void The_postgresql_service_file_holds_every_setting_and_the_options_keywords()
    {
        Assert.Equal(
            "[etlweb]\nhost=db.example.com\nport=5433\ndbname=dwh\nuser=etl\npassword=p@ss \"word\"\nsslmode=require\nconnect_timeout=5\n",
            SqlClients.ServiceFile(Target(ConnectionKind.PostgreSql, "sslmode=require connect_timeout=5")));
    }

    [Fact]
    public void The_mysql_option_file_quotes_the_password_and_keeps_option_lines()
    {
        Assert.Equal(
            "[client]\nhost=db.example.com\nport=5433\nuser=etl\npassword=\"p@ss \\\"word\\\"\"\ndatabase=dwh\nssl-mode=REQUIRED\n",
            SqlClients.OptionFile(Target(ConnectionKind.MySql, "ssl-mode=REQUIRED")));
    }

    [Fact]
    public void Settings_left_empty_are_left_out_so_the_client_uses_its_defaults()
    {
        var bare = new SqlTarget("local", ConnectionKind.PostgreSql, "localhost", 0, "app", "", "", "");
        Assert.Equal("[etlweb]\nhost=localhost\ndbname=app\n", SqlClients.ServiceFile(bare));
    }

    [Fact]
    public void Options_split_into_words_as_a_shell_would()
    {
        Assert.Equal(["-readonly", "-cmd", ".mode csv"], SqlClients.OptionWords("-readonly -cmd \".mode csv\""));
    }

    [Theory]
    [InlineData("postgresql", ConnectionKind.PostgreSql, "psql")]
    [InlineData("MySQL", ConnectionKind.MySql, "mysql")]
    [InlineData("sqlserver", ConnectionKind.SqlServer, "sqlcmd")]
    [InlineData(" sqlite ", ConnectionKind.Sqlite, "sqlite3")]
    public void Each_kind_reads_by_its_api_name_and_runs_its_client(string text, ConnectionKind kind, string client)
    {
        Assert.True(ConnectionRules.TryParseKind(text, out var parsed));
        Assert.Equal((kind, client), (parsed, ConnectionRules.ClientOf(parsed)));
    }
}
