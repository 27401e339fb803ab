using System.Text.Json;
using System.Text.Json.Nodes;
using EtlWeb.Core.Jobs;
using EtlWeb.Features.Runs;

namespace EtlWeb.Tests.Support;

/// <summary>Helpers over the run routes: trigger, wait for a status, read the log.</summary>
public static class RunsClient
{
    private static readonly string[] Terminal = ["Succeeded", "Failed", "TimedOut", "Cancelled", "Skipped", "UpstreamFailed", "Interrupted"];

    public static async Task<long> RunJobAsync(this HttpClient client, JobDocument job)
    {
        using var response = await client.PostAsync(new Uri($"/api/jobs/{job.Id}/run", UriKind.Relative), null);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        return body["run_id"]!.GetValue<long>();
    }

    public static Task<RunDocument> GetRunAsync(this HttpClient client, long runId) =>
        client.GetDocumentAsync<RunDocument>($"/api/runs/{runId}");

    /// <summary>Polls the run until <paramref name="done"/> holds; fails with the last state after a minute.</summary>
    public static async Task<RunDocument> WaitForRunAsync(this HttpClient client, long runId, Func<RunDocument, bool> done, TimeSpan? limit = null)
    {
        var deadline = TimeProvider.System.GetUtcNow() + (limit ?? TimeSpan.FromSeconds(60));
        RunDocument run;
        do
        {
            run = await client.GetRunAsync(runId);
            if (done(run))
            {
                return run;
            }

            await Task.Delay(50);
        }
        while (TimeProvider.System.GetUtcNow() < deadline);

        Assert.Fail($"Run {runId} did not reach the expected state; last seen: {JsonSerializer.Serialize(run)}");
        return run;
    }

    public static Task<RunDocument> WaitForEndAsync(this HttpClient client, long runId, TimeSpan? limit = null) =>
        client.WaitForRunAsync(runId, r => Terminal.Contains(r.Status), limit);

    public static Task<RunDocument> WaitForStatusAsync(this HttpClient client, long runId, string status) =>
        client.WaitForRunAsync(runId, r => r.Status == status);

    public static async Task<string> LogAsync(this HttpClient client, long runId, string query = "")
    {
        using var response = await client.GetAsync(new Uri($"/api/runs/{runId}/log{query}", UriKind.Relative));
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    public static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);
}
