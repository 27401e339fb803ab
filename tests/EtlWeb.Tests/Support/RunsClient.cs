using System.Text.Json.Nodes;

namespace EtlWeb.Tests.Support;

/// <summary>Helpers over the run routes: trigger, wait for a status, read the log.</summary>
public static class RunsClient
{
    private static readonly string[] Terminal = ["Succeeded", "Failed", "TimedOut", "Cancelled", "Skipped", "UpstreamFailed", "Interrupted"];

    public static async Task<long> RunJobAsync(this HttpClient client, JsonNode job)
    {
        using var response = await client.PostAsync(new Uri($"/api/jobs/{job["id"]}/run", UriKind.Relative), null);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        return body["run_id"]!.GetValue<long>();
    }

    /// <summary>Polls the run until <paramref name="done"/> holds; fails with the last state after a minute.</summary>
    public static async Task<JsonNode> WaitForRunAsync(this HttpClient client, long runId, Func<JsonNode, bool> done, TimeSpan? limit = null)
    {
        var deadline = TimeProvider.System.GetUtcNow() + (limit ?? TimeSpan.FromSeconds(60));
        JsonNode run;
        do
        {
            run = (await client.GetJsonAsync($"/api/runs/{runId}"))!;
            if (done(run))
            {
                return run;
            }

            await Task.Delay(50);
        }
        while (TimeProvider.System.GetUtcNow() < deadline);

        Assert.Fail($"Run {runId} did not reach the expected state; last seen: {run.ToJsonString()}");
        return run;
    }

    public static Task<JsonNode> WaitForEndAsync(this HttpClient client, long runId, TimeSpan? limit = null) =>
        client.WaitForRunAsync(runId, r => Terminal.Contains(r["status"]!.GetValue<string>()), limit);

    public static Task<JsonNode> WaitForStatusAsync(this HttpClient client, long runId, string status) =>
        client.WaitForRunAsync(runId, r => r["status"]!.GetValue<string>() == status);

    public static async Task<string> LogAsync(this HttpClient client, long runId, string query = "")
    {
        using var response = await client.GetAsync(new Uri($"/api/runs/{runId}/log{query}", UriKind.Relative));
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    public static string Status(this JsonNode run) => run["status"]!.GetValue<string>();

    public static JsonArray Attempts(this JsonNode run) => run["attempts"]!.AsArray();

    public static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);
}
