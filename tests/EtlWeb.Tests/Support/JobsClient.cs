using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EtlWeb.Core.Jobs;

namespace EtlWeb.Tests.Support;

/// <summary>Small helpers over the jobs, import and export routes: request bodies are JSON nodes, responses the API's documents.</summary>
public static class JobsClient
{
    /// <summary>A valid shell job document; callers add or override fields.</summary>
    public static JsonObject ShellJob(string name, params string[] dependencies) => new()
    {
        ["name"] = name,
        ["job_type"] = "shell",
        ["command"] = $"echo {name}",
        ["dependencies"] = new JsonArray([.. dependencies.Select(d => (JsonNode)d)]),
    };

    /// <summary>Creates a shell job running <paramref name="command"/>, its document first changed by <paramref name="configure"/>.</summary>
    public static Task<JobDocument> CreateShellJobAsync(this HttpClient client, string name, string command, Action<JsonObject>? configure = null)
    {
        var job = ShellJob(name);
        job["command"] = command;
        configure?.Invoke(job);
        return client.CreateJobAsync(job);
    }

    public static async Task<JobDocument> CreateJobAsync(this HttpClient client, JsonObject document)
    {
        using var response = await client.PostAsync(new Uri("/api/jobs", UriKind.Relative), Json(document));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"Expected 201, got {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<JobDocument>(body)!;
    }

    public static Task<JobDocument> GetJobAsync(this HttpClient client, int id) =>
        client.GetDocumentAsync<JobDocument>($"/api/jobs/{id}");

    /// <summary>The job's environment variables, which <see cref="JobDocument"/> keeps as raw JSON.</summary>
    public static Dictionary<string, string?> EnvironmentOf(JobDocument job) =>
        job.Environment!.Value.Deserialize<Dictionary<string, string?>>()!;

    /// <summary>GETs <paramref name="path"/>, which must succeed, and reads the body as <typeparamref name="T"/>.</summary>
    public static async Task<T> GetDocumentAsync<T>(this HttpClient client, string path)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonSerializer.Deserialize<T>(body)!;
    }

    public static async Task<JsonNode?> GetJsonAsync(this HttpClient client, string path)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body);
    }

    public static async Task<(HttpStatusCode Status, JsonNode? Body)> SendJsonAsync(this HttpClient client, HttpMethod method, string path, string json)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative))
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, body.Length == 0 ? null : JsonNode.Parse(body));
    }

    public static Task<(HttpStatusCode Status, JsonNode? Body)> ImportAsync(this HttpClient client, string json, bool dryRun = false) =>
        client.SendJsonAsync(HttpMethod.Post, $"/api/import?dry_run={(dryRun ? "true" : "false")}", json);

    public static async Task<string> ExportAsync(this HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("/api/export", UriKind.Relative));
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The messages of one field in an RFC 7807 validation problem (or an import report's job).</summary>
    public static IReadOnlyList<string> ErrorsOf(JsonNode? body, string field)
    {
        var errors = body?["errors"]?.AsObject();
        Assert.True(errors is not null, $"No 'errors' object in: {body?.ToJsonString()}");
        Assert.True(errors.ContainsKey(field), $"No error for '{field}' in: {errors.ToJsonString()}");
        return [.. errors[field]!.AsArray().Select(m => m!.GetValue<string>())];
    }

    public static StringContent Json(JsonNode document) =>
        new(document.ToJsonString(), Encoding.UTF8, "application/json");
}
