using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EtlWeb.Features.Backup;
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
        await Client.WaitForRunAsync(runId, r => r.Status == "Running");

        using var response = await Client.PostAsync(new Uri("/api/backup", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var backup = (await response.Content.ReadFromJsonAsync<BackupResult>())!;
        var directory = backup.Directory;
        Assert.StartsWith(Path.Combine(Factory.DataDirectory, "backups"), directory, StringComparison.Ordinal);
        // Both databases, then the key ring that decrypts secret variables.
        var names = backup.Files.Select(f => f.Name).ToList();
        Assert.Equal(["etlweb.db", "hangfire.db"], names.Take(2));
        Assert.NotEmpty(names.Skip(2));
        Assert.All(names.Skip(2), n => Assert.Matches(@"^keys/key-[0-9a-f-]+\.xml$", n));
        Assert.Equal(
            Directory.GetFiles(Path.Combine(Factory.DataDirectory, "keys")).Select(Path.GetFileName).Order(),
            Directory.GetFiles(Path.Combine(directory, "keys")).Select(Path.GetFileName).Order());
        Assert.All(backup.Files, f => Assert.True(f.Bytes > 0));
        await Client.WaitForEndAsync(runId);

        // Each copy is one file (no WAL needed beside it), passes SQLite's integrity check and holds the data.
        Assert.Equal(["etlweb.db", "hangfire.db"], Directory.GetFiles(directory).Select(Path.GetFileName).Order());
        Assert.Equal("ok", Scalar(Path.Combine(directory, "etlweb.db"), "PRAGMA integrity_check"));
        Assert.Equal("ok", Scalar(Path.Combine(directory, "hangfire.db"), "PRAGMA integrity_check"));
        Assert.Equal("busy", Scalar(Path.Combine(directory, "etlweb.db"), "SELECT Name FROM jobs"));
        Assert.Equal(runId.ToString(System.Globalization.CultureInfo.InvariantCulture), Scalar(Path.Combine(directory, "etlweb.db"), "SELECT Id FROM runs"));
    }

    [Fact]
    public async Task Restoring_a_backup_as_the_readme_says_brings_back_the_same_jobs_runs_and_secret_values()
    {
        var secret = JobsClient.ShellJob("secretive")
            .With("command", "test \"$TOKEN\" = s3cret-value-42 && echo token intact")
            .With("environment", new JsonObject { ["TOKEN"] = "s3cret-value-42" })
            .With("secret_environment", new JsonArray("TOKEN"));
        var job = await Client.CreateJobAsync(secret);
        var before = await Client.WaitForEndAsync(await Client.RunJobAsync(job));
        Assert.Equal("Succeeded", before.Status);
        using var response = await Client.PostAsync(new Uri("/api/backup", UriKind.Relative), null);
        var directory = (await response.Content.ReadFromJsonAsync<BackupResult>())!.Directory;
        var jobs = (await Client.GetJsonAsync("/api/jobs"))!.ToJsonString();
        var runs = (await Client.GetJsonAsync("/api/runs"))!.ToJsonString();

        // README, "Backup and restore": the two database files into an empty data directory, the key ring into keys/.
        await using var restored = new EtlWebFactory();
        Directory.CreateDirectory(Path.Combine(restored.DataDirectory, "keys"));
        File.Copy(Path.Combine(directory, "etlweb.db"), Path.Combine(restored.DataDirectory, "etlweb.db"));
        File.Copy(Path.Combine(directory, "hangfire.db"), Path.Combine(restored.DataDirectory, "hangfire.db"));
        foreach (var key in Directory.GetFiles(Path.Combine(directory, "keys")))
        {
            File.Copy(key, Path.Combine(restored.DataDirectory, "keys", Path.GetFileName(key)));
        }

        Assert.Equal("ok", Scalar(Path.Combine(restored.DataDirectory, "etlweb.db"), "PRAGMA integrity_check"));
        using var client = restored.CreateClient();
        Assert.Equal(jobs, (await client.GetJsonAsync("/api/jobs"))!.ToJsonString());
        Assert.Equal(runs, (await client.GetJsonAsync("/api/runs"))!.ToJsonString());
        var after = await client.WaitForEndAsync(await client.RunJobAsync(job));
        Assert.Equal("Succeeded", after.Status);
        Assert.Contains("token intact", await client.LogAsync(after.Id), StringComparison.Ordinal);
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
