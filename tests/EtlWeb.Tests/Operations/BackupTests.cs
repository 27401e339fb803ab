using System.Net;
using System.Text.Json.Nodes;
using EtlWeb.Tests.Support;
using Microsoft.Data.Sqlite;

namespace EtlWeb.Tests.Operations;

public sealed class BackupTests : HostTest
{
    [Fact]
    public async Task A_backup_taken_while_a_job_runs_holds_both_databases_consistent_and_self_contained()
    {
        var document = JobsClient.ShellJob("busy");
        document["command"] = "for i in $(seq 1 40); do echo line $i; sleep 0.05; done";
        var job = await Client.CreateJobAsync(document);
        var runId = await Client.RunJobAsync(job);
        await Client.WaitForRunAsync(runId, r => r["status"]!.GetValue<string>() == "Running");

        using var response = await Client.PostAsync(new Uri("/api/backup", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var backup = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var directory = backup["directory"]!.GetValue<string>();
        Assert.StartsWith(Path.Combine(Factory.DataDirectory, "backups"), directory, StringComparison.Ordinal);
        // Both databases, then the key ring that decrypts secret variables.
        var names = backup["files"]!.AsArray().Select(f => f!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(["etlweb.db", "hangfire.db"], names.Take(2));
        Assert.NotEmpty(names.Skip(2));
        Assert.All(names.Skip(2), n => Assert.Matches(@"^keys/key-[0-9a-f-]+\.xml$", n));
        Assert.Equal(
            Directory.GetFiles(Path.Combine(Factory.DataDirectory, "keys")).Select(Path.GetFileName).Order(),
            Directory.GetFiles(Path.Combine(directory, "keys")).Select(Path.GetFileName).Order());
        Assert.All(backup["files"]!.AsArray(), f => Assert.True(f!["bytes"]!.GetValue<long>() > 0));
        await Client.WaitForEndAsync(runId);

        // Each copy is one file (no WAL needed beside it), passes SQLite's integrity check and holds the data.
        Assert.Equal(["etlweb.db", "hangfire.db"], Directory.GetFiles(directory).Select(Path.GetFileName).Order());
        Assert.Equal("ok", Scalar(Path.Combine(directory, "etlweb.db"), "PRAGMA integrity_check"));
        Assert.Equal("ok", Scalar(Path.Combine(directory, "hangfire.db"), "PRAGMA integrity_check"));
        Assert.Equal("busy", Scalar(Path.Combine(directory, "etlweb.db"), "SELECT Name FROM jobs"));
        Assert.Equal(runId.ToString(System.Globalization.CultureInfo.InvariantCulture), Scalar(Path.Combine(directory, "etlweb.db"), "SELECT Id FROM runs"));
    }

    private static string Scalar(string file, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture)!;
    }
}
