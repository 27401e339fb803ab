using System.Text.Json;
using System.Text.Json.Nodes;
using EtlWeb.Core.Jobs;
using EtlWeb.Features.Runs;

namespace EtlWeb.Tests.Support;

/// <summary>Run and schedule helpers shared by the scheduling tests.</summary>
public static class ApiExtensions
{
    public static async Task<long> TriggerAsync(this HttpClient client, JobDocument job, bool downstream = true)
    {
        using var response = await client.PostAsync(new Uri($"/api/jobs/{job.Id}/run?downstream={(downstream ? "true" : "false")}", UriKind.Relative), null);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, body.ToJsonString());
        return body["run_id"]!.GetValue<long>();
    }

    public static async Task<IReadOnlyList<RunDocument>> RunsOfAsync(this HttpClient client, JobDocument job) =>
        await client.GetDocumentAsync<List<RunDocument>>($"/api/runs?job_id={job.Id}&limit=1000");

    /// <summary>Polls until the job has at least <paramref name="count"/> runs matching <paramref name="filter"/>.</summary>
    public static async Task<List<RunDocument>> WaitForRunsAsync(this HttpClient client, JobDocument job, int count, Func<RunDocument, bool>? filter = null)
    {
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(60);
        List<RunDocument> runs;
        do
        {
            runs = [.. (await client.RunsOfAsync(job)).Where(filter ?? (_ => true))];
            if (runs.Count >= count)
            {
                return runs;
            }

            await Task.Delay(50);
        }
        while (TimeProvider.System.GetUtcNow() < deadline);

        Assert.Fail($"Job {job.Name} has {runs.Count} matching run(s), expected {count}: {JsonSerializer.Serialize(await client.RunsOfAsync(job))}");
        return runs;
    }

    public static JsonObject With(this JsonObject job, string field, JsonNode? value)
    {
        job[field] = value;
        return job;
    }

    /// <summary>
    /// Creates job "never" and job "down" that depends on it, runs "down" and returns its run once it says what it
    /// waits for: a run held by an upstream outside its pipeline that never ran (the maximum wait applies to it).
    /// </summary>
    public static async Task<long> RunWaitingOnAJobThatNeverRanAsync(this HttpClient client)
    {
        await client.CreateJobAsync(JobsClient.ShellJob("never"));
        var down = await client.CreateJobAsync(JobsClient.ShellJob("down", "never"));
        var runId = await client.TriggerAsync(down);
        await client.WaitForRunAsync(runId, r => r.Reason is not null);
        return runId;
    }
}
