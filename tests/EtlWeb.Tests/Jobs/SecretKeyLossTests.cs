using System.Text.Json.Nodes;
using EtlWeb.Core.Jobs;
using EtlWeb.Tests.Support;

namespace EtlWeb.Tests.Jobs;

public sealed class SecretKeyLossTests
{
    [Fact]
    public async Task A_job_whose_key_ring_is_lost_still_loads_and_runs_without_its_secret_value()
    {
        var data = Path.Combine(Path.GetTempPath(), "etlweb-tests", "keyloss-" + Guid.NewGuid().ToString("N"));
        var job = JobsClient.ShellJob("keyless")
            .With("command", "echo \"plain=$PLAIN secret=[$TOKEN]\"")
            .With("environment", new JsonObject { ["PLAIN"] = "kept", ["TOKEN"] = "s3cr3t-value" })
            .With("secret_environment", new JsonArray("TOKEN"));
        await using (var first = new EtlWebFactory { DataDirectory = data, DeleteDataDirectoryOnDispose = false })
        {
            await first.CreateClient().CreateJobAsync(job);
        }

        Directory.Delete(Path.Combine(data, "keys"), recursive: true);
        await using var second = new EtlWebFactory { DataDirectory = data };
        var client = second.CreateClient();
        var stored = (await client.GetDocumentAsync<List<JobDocument>>("/api/jobs")).Single();
        Assert.Equal("keyless", stored.Name);
        Assert.Equal(["TOKEN"], stored.SecretEnvironment!);

        var run = await client.WaitForEndAsync(await client.RunJobAsync(stored));
        Assert.Equal("Succeeded", run.Status);
        Assert.Contains("plain=kept secret=[]", await client.LogAsync(run.Id), StringComparison.Ordinal);
    }
}
