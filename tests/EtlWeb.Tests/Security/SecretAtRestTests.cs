using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EtlWeb.Core.Jobs;
using EtlWeb.Tests.Support;
using Microsoft.Data.Sqlite;

namespace EtlWeb.Tests.Security;

public sealed class SecretAtRestTests
{
    /// <summary>Letters and digits only, so JSON and URL encoding leave it as it is: any leak of the value shows it.</summary>
    private const string Core = "Zq7horseBatteryStaple91";

    /// <summary>The secret: the core plus characters that base64, URL encoding and JSON escaping each change.</summary>
    private const string Secret = Core + " p@ss/wörd+&=?";

    private const string Plain = "plain-value-4711";

    /// <summary>Prints the secret, its base64, its URL-encoded form, and its SHA-256, which proves the job saw the exact value.</summary>
    private const string Command =
        """echo "$S"; printf %s "$S" | base64; python3 -c 'import os,urllib.parse;print(urllib.parse.quote(os.environ["S"]))'; printf %s "$S" | sha256sum""";

    private static readonly string Sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Secret)));

    /// <summary>The forms a log must not show: the value, its base64, its URL encoding as .NET and as Python's quote() write it.</summary>
    private static readonly string[] Forms =
    [
        Secret,
        Core,
        Convert.ToBase64String(Encoding.UTF8.GetBytes(Secret)),
        Uri.EscapeDataString(Secret),
        Uri.EscapeDataString(Secret).Replace("%2F", "/", StringComparison.Ordinal),
    ];

    [Fact]
    public async Task A_secret_value_is_stored_encrypted_and_neither_the_API_nor_the_export_returns_it()
    {
        await using var factory = new EtlWebFactory();
        using var client = factory.CreateClient();

        var created = await client.CreateJobAsync(SecretJob());
        var read = await client.GetJobAsync(created.Id!.Value);
        var list = (await client.GetJsonAsync("/api/jobs"))!;
        var export = await client.ExportAsync();

        // The job documents written back out: JobDocument keeps the fields it does not name too, so a value in any field shows.
        foreach (var (what, text) in new[] { ("the create answer", JsonSerializer.Serialize(created)), ("GET /api/jobs/{id}", JsonSerializer.Serialize(read)), ("GET /api/jobs", list.ToJsonString()), ("the export", export) })
        {
            Assert.False(text.Contains(Core, StringComparison.Ordinal), $"{what} holds the secret value: {text}");
        }

        Assert.Equal(["S"], read.SecretEnvironment!);
        var environment = JobsClient.EnvironmentOf(read);
        Assert.Equal(Plain, environment["PLAIN"]);
        Assert.Null(environment.GetValueOrDefault("S"));
        Assert.Contains("\"S\"", export, StringComparison.Ordinal);

        // The clear variable is found in the files, so the search sees what the database holds; the secret is not.
        Assert.NotEmpty(DataFiles.Containing(factory.DataDirectory, Plain));
        DataFiles.AssertNowhere(factory.DataDirectory, Core, "The secret value");
        Assert.NotEmpty(SecretColumn(factory.DataDirectory));
    }

    [Fact]
    public async Task A_run_gets_the_real_value_and_no_log_shows_the_value_its_base64_or_its_url_encoding()
    {
        await using var factory = new EtlWebFactory();
        using var client = factory.CreateClient();
        var job = await client.CreateJobAsync(SecretJob());

        var runId = await client.RunJobAsync(job);
        var followed = await client.LogAsync(runId, "?follow=true");
        var run = await client.WaitForEndAsync(runId);
        Assert.Equal("Succeeded", run.Status);
        Assert.DoesNotContain(Core, (await client.GetJsonAsync($"/api/runs/{runId}"))!.ToJsonString(), StringComparison.Ordinal);
        var logs = new Dictionary<string, string>
        {
            ["the followed log"] = followed,
            ["GET /api/runs/{id}/log"] = await client.LogAsync(runId),
            ["the stored lines of attempt 1"] = await client.LogAsync(runId, "?attempt=1"),
        };

        foreach (var (what, log) in logs)
        {
            Assert.Contains(Sha, log, StringComparison.Ordinal);
            Assert.True(log.Split("***").Length - 1 >= 3, $"{what} should show *** for the value, its base64 and its URL encoding:\n{log}");
            Assert.All(Forms, form => Assert.False(log.Contains(form, StringComparison.Ordinal), $"{what} shows '{form}':\n{log}"));
        }

        Assert.All(Forms, form => DataFiles.AssertNowhere(factory.DataDirectory, form, $"'{form}'"));
    }

    [Fact]
    public async Task After_a_restart_on_the_same_data_directory_a_run_still_gets_the_real_value()
    {
        JobDocument job;
        string directory;
        await using (var first = new EtlWebFactory { DeleteDataDirectoryOnDispose = false })
        {
            directory = first.DataDirectory;
            using var client = first.CreateClient();
            job = await client.CreateJobAsync(SecretJob());
        }

        await using var restarted = new EtlWebFactory { DataDirectory = directory };
        using var again = restarted.CreateClient();

        var runId = await again.RunJobAsync(job);

        Assert.Equal("Succeeded", (await again.WaitForEndAsync(runId)).Status);
        var log = await again.LogAsync(runId);
        Assert.Contains(Sha, log, StringComparison.Ordinal);
        Assert.DoesNotContain(Core, log, StringComparison.Ordinal);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(directory, "keys"), "key-*.xml"));
    }

    [Fact]
    public async Task A_job_saved_back_from_its_own_document_or_from_the_export_keeps_its_secret_value()
    {
        await using var factory = new EtlWebFactory();
        using var client = factory.CreateClient();
        var job = await client.CreateJobAsync(SecretJob());
        var document = (await client.GetJsonAsync($"/api/jobs/{job.Id}"))!.AsObject();

        var (status, _) = await client.SendJsonAsync(HttpMethod.Put, $"/api/jobs/{job.Id}", document.With("description", "edited").ToJsonString());
        Assert.Equal(HttpStatusCode.OK, status);
        var (imported, report) = await client.ImportAsync(await client.ExportAsync());
        Assert.True(imported == HttpStatusCode.OK, report?.ToJsonString());

        var runId = await client.RunJobAsync(job);
        Assert.Equal("Succeeded", (await client.WaitForEndAsync(runId)).Status);
        Assert.Contains(Sha, await client.LogAsync(runId), StringComparison.Ordinal);
    }

    private static JsonObject SecretJob() => JobsClient.ShellJob("load")
        .With("command", Command)
        .With("environment", new JsonObject { ["S"] = Secret, ["PLAIN"] = Plain })
        .With("secret_environment", new JsonArray("S"));

    /// <summary>The encrypted column of every job that has one.</summary>
    private static List<string> SecretColumn(string dataDirectory)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "etlweb.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT SecretValues FROM jobs WHERE SecretValues IS NOT NULL";
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
