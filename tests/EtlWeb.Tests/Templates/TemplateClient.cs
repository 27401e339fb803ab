using System.Net;
using System.Text.Json.Nodes;
using EtlWeb.Features.Runs;
using EtlWeb.Tests.Support;

namespace EtlWeb.Tests.Templates;

/// <summary>Helpers over the template routes: create jobs from a template, run them, find the runs a pipeline made.</summary>
internal static class TemplateClient
{
    /// <summary>Creates the template's jobs, which must succeed (201); the created jobs' ids by name, in the template's order.</summary>
    public static async Task<(IReadOnlyList<(int Id, string Name)> Jobs, JsonNode Body)> InstantiateAsync(this HttpClient client, string template, string folder, JsonObject values)
    {
        var (status, body) = await client.SendJsonAsync(HttpMethod.Post, $"/api/templates/{Uri.EscapeDataString(template)}/instantiate",
            new JsonObject { ["folder"] = folder, ["values"] = values }.ToJsonString());
        Assert.True(status == HttpStatusCode.Created, $"{(int)status}: {body?.ToJsonString()}");
        return ([.. body!["jobs"]!.AsArray().Select(j => (j!["id"]!.GetValue<int>(), j["name"]!.GetValue<string>()))], body);
    }

    /// <summary>Runs the job (and the manual jobs downstream of it) and waits for the run to end.</summary>
    public static async Task<RunDocument> RunToEndAsync(this HttpClient client, int jobId)
    {
        var job = await client.GetJobAsync(jobId);
        return await client.WaitForEndAsync(await client.RunJobAsync(job));
    }

    /// <summary>The run of a downstream job once a pipeline started it, waited for to its end.</summary>
    public static async Task<RunDocument> EndOfRunOfAsync(this HttpClient client, int jobId)
    {
        var deadline = TimeProvider.System.GetUtcNow() + TimeSpan.FromSeconds(60);
        while (TimeProvider.System.GetUtcNow() < deadline)
        {
            if ((await client.GetDocumentAsync<List<RunDocument>>($"/api/runs?job_id={jobId}")).FirstOrDefault() is { } run)
            {
                return await client.WaitForEndAsync(run.Id);
            }

            await Task.Delay(50);
        }

        Assert.Fail($"Job {jobId} never ran.");
        return null!;
    }

    public static JsonObject Values(params (string Name, string Value)[] values) =>
        new(values.Select(v => KeyValuePair.Create(v.Name, (JsonNode?)v.Value)));
}
