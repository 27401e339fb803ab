using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using EtlWeb.Tests.Support;

namespace EtlWeb.Tests.Connections;

/// <summary>
/// The MySQL and SQL Server clients are not installed here, so stand-ins named mysql and sqlcmd, first on the job's
/// PATH, print what they were given: their arguments, the option file, the environment and the SQL. The password
/// reaches them only through the file or the environment, never as an argument, and the log masks it.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class SqlClientStandInTests : HostTest
{
    private const string Password = "Stand-in-pw-7731";

    private const string MySql = """
        #!/bin/sh
        echo "args: $*"
        for a in "$@"; do case "$a" in --defaults-extra-file=*) echo "file:"; cat "${a#--defaults-extra-file=}";; esac; done
        echo "sql:"; cat
        """;

    private const string SqlCmd = """
        #!/bin/sh
        echo "args: $*"
        echo "server=$SQLCMDSERVER user=$SQLCMDUSER db=$SQLCMDDBNAME password=$SQLCMDPASSWORD"
        while [ $# -gt 0 ]; do if [ "$1" = "-i" ]; then echo "sql:"; cat "$2"; fi; shift; done
        """;

    private async Task<(string Status, string Log)> RunAsync(string kind, string client, string script)
    {
        var bin = Path.Combine(Factory.DataDirectory, "stand-ins");
        Directory.CreateDirectory(bin);
        var path = Path.Combine(bin, client);
        await File.WriteAllTextAsync(path, script.ReplaceLineEndings("\n") + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var (status, body) = await Client.SendJsonAsync(HttpMethod.Post, "/api/connections", new JsonObject
        {
            ["name"] = kind, ["kind"] = kind, ["host"] = "db.example.com", ["port"] = 3307, ["database"] = "dwh", ["user"] = "etl",
            ["password"] = Password, ["options"] = kind == "mysql" ? "ssl-mode=REQUIRED" : "-C",
        }.ToJsonString());
        Assert.True(status == System.Net.HttpStatusCode.Created, body?.ToJsonString());
        var job = await Client.CreateJobAsync(new JsonObject
        {
            ["name"] = $"{kind} load", ["job_type"] = "sql", ["connection"] = kind, ["script"] = "SELECT 42;",
            ["environment"] = new JsonObject { ["PATH"] = $"{bin}:/usr/bin:/bin" },
        });
        var run = await Client.WaitForEndAsync(await Client.RunJobAsync(job));
        return (run.Status, await Client.LogAsync(run.Id));
    }

    [Fact]
    public async Task Mysql_gets_the_connection_in_an_option_file_and_the_sql_on_its_input()
    {
        var (status, log) = await RunAsync("mysql", "mysql", MySql);

        Assert.Equal("Succeeded", status);
        Assert.Matches(@"args: --defaults-extra-file=\S+\.cnf --batch", log);
        Assert.Contains("host=db.example.com", log, StringComparison.Ordinal);
        Assert.Contains("port=3307", log, StringComparison.Ordinal);
        Assert.Contains("database=dwh", log, StringComparison.Ordinal);
        Assert.Contains("ssl-mode=REQUIRED", log, StringComparison.Ordinal);
        Assert.Contains("password=\"***\"", log, StringComparison.Ordinal);
        Assert.Contains("SELECT 42;", log, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sqlcmd_gets_the_connection_in_its_variables_and_stops_at_the_first_error()
    {
        var (status, log) = await RunAsync("sqlserver", "sqlcmd", SqlCmd);

        Assert.Equal("Succeeded", status);
        Assert.Matches(@"args: -b -C -i \S+\.sql", log);
        Assert.Contains("server=db.example.com,3307 user=etl db=dwh password=***", log, StringComparison.Ordinal);
        Assert.Contains("SELECT 42;", log, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, log, StringComparison.Ordinal);
    }
}
