using System.Net.Http.Json;
using EtlWeb.Testing;

namespace EtlWeb.Bench.Infrastructure;

/// <summary>The REST calls the scenarios make.</summary>
public sealed class ApiClient(Uri address) : IDisposable
{
    private readonly HttpClient _http = EtlWebChild.CreateClient(address, TimeSpan.FromMinutes(5));

    /// <summary>Creates a shell job; <paramref name="extra"/> adds fields of the job document.</summary>
    public async Task<int> CreateShellJobAsync(string name, string command, IReadOnlyDictionary<string, object>? extra = null)
    {
        var document = new Dictionary<string, object> { ["name"] = name, ["job_type"] = "shell", ["command"] = command };
        foreach (var (key, value) in extra ?? new Dictionary<string, object>())
        {
            document[key] = value;
        }

        using var response = await _http.PostAsJsonAsync(new Uri("/api/jobs", UriKind.Relative), document);
        await EnsureAsync(response);
        return (await response.Content.ReadFromJsonAsync<CreatedJob>())!.Id;
    }

    public async Task<long> TriggerAsync(int jobId)
    {
        using var response = await _http.PostAsync(new Uri($"/api/jobs/{jobId}/run", UriKind.Relative), null);
        await EnsureAsync(response);
        return (await response.Content.ReadFromJsonAsync<TriggeredRun>())!.RunId;
    }

    public async Task PostAsync(string path)
    {
        using var response = await _http.PostAsync(new Uri(path, UriKind.Relative), null);
        await EnsureAsync(response);
    }

    public async Task<RunView> GetRunAsync(long runId) =>
        (await _http.GetFromJsonAsync<RunView>(new Uri($"/api/runs/{runId}", UriKind.Relative)))!;

    public async Task<IReadOnlyList<RunView>> ListRunsAsync(int jobId, int limit) =>
        (await _http.GetFromJsonAsync<List<RunView>>(new Uri($"/api/runs?job_id={jobId}&limit={limit}", UriKind.Relative)))!;

    public async Task<IReadOnlyList<RunView>> ListBackfillRunsAsync(long backfillId, int limit) =>
        (await _http.GetFromJsonAsync<List<RunView>>(new Uri($"/api/runs?backfill_id={backfillId}&limit={limit}", UriKind.Relative)))!;

    /// <summary>Creates a backfill of the job; <paramref name="request"/> is the body (from, to, mode, order, max_parallel).</summary>
    public async Task<BackfillView> CreateBackfillAsync(int jobId, IReadOnlyDictionary<string, object> request)
    {
        using var response = await _http.PostAsJsonAsync(new Uri($"/api/jobs/{jobId}/backfills", UriKind.Relative), request);
        await EnsureAsync(response);
        return (await response.Content.ReadFromJsonAsync<BackfillView>())!;
    }

    public async Task<BackfillView> GetBackfillAsync(long backfillId) =>
        (await _http.GetFromJsonAsync<BackfillView>(new Uri($"/api/backfills/{backfillId}", UriKind.Relative)))!;

    /// <summary>Polls the run until it reaches a terminal status.</summary>
    public async Task<RunView> WaitFinishedAsync(long runId, TimeSpan poll, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            var run = await GetRunAsync(runId);
            if (run.IsTerminal)
            {
                return run;
            }

            try
            {
                await Task.Delay(poll, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Run {runId} was still {run.Status} after {timeout.TotalSeconds} s.");
            }
        }
    }

    /// <summary>
    /// Waits without polling: <c>GET /api/runs/{id}/log?follow=true</c> ends when the run ends. The log itself
    /// is read and dropped.
    /// </summary>
    public async Task<RunView> FollowUntilFinishedAsync(long runId, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            using var response = await _http.GetAsync(new Uri($"/api/runs/{runId}/log?follow=true", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            await EnsureAsync(response);
            await using var body = await response.Content.ReadAsStreamAsync(deadline.Token);
            await body.CopyToAsync(Stream.Null, deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"GET /api/runs/{runId}/log?follow=true did not end within {timeout.TotalSeconds} s.");
        }

        return await GetRunAsync(runId);
    }

    /// <summary>The stored log of one stream (of one attempt, or the run's last), read line by line as it arrives.</summary>
    public async Task ReadLogAsync(long runId, string stream, Action<string> onLine, int? attempt = null)
    {
        var query = attempt is null ? $"stream={stream}" : $"stream={stream}&attempt={attempt}";
        using var response = await _http.GetAsync(new Uri($"/api/runs/{runId}/log?{query}", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        await EnsureAsync(response);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(), bufferSize: 64 * 1024);
        while (await reader.ReadLineAsync() is { } line)
        {
            onLine(line);
        }
    }

    public void Dispose() => _http.Dispose();

    private static async Task EnsureAsync(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync();
            throw new HttpRequestException($"{(int)response.StatusCode} from {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {body}");
        }
    }
}
