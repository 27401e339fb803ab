using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using EtlWeb.Bench.Infrastructure;
using EtlWeb.Testing;

namespace EtlWeb.Bench.Scale;

/// <summary>
/// The API reads at scale, each timed from the request to the last byte of the answer, as the bootstrap token (an Admin,
/// who sees every folder). The first call of each is reported apart (cold: JIT, caches, pages of the database file).
/// </summary>
public static class ScaleApi
{
    private const int Calls = 7;

    public static async Task MeasureAsync(Uri address, int jobId, JsonObject result)
    {
        using var http = EtlWebChild.CreateClient(address, TimeSpan.FromMinutes(5));
        var (firstPage, links) = await TimeAsync(http, "/api/jobs?limit=100", "api_jobs_first_page", result);
        result["api_jobs_first_page_items"] = firstPage.GetArrayLength();
        result["api_jobs_first_page_has_next_link"] = links;
        var (all, _) = await TimeAsync(http, "/api/jobs", "api_jobs_all", result);
        result["api_jobs_all_items"] = all.GetArrayLength();
        await TimeAsync(http, $"/api/jobs/{jobId}", "api_job_one", result);
        await TimeAsync(http, $"/api/runs?job_id={jobId}&limit=100", "api_runs_of_job", result);
        await TimeAsync(http, "/api/runs?limit=100", "api_runs_latest", result);
    }

    /// <summary>
    /// Calls <paramref name="path"/> <see cref="Calls"/> times; writes <c>{name}_first_ms</c>, <c>{name}_ms_p50</c> (of the
    /// later calls) and <c>{name}_kb</c>; returns the last answer and whether it had a <c>Link: ...; rel="next"</c> header.
    /// </summary>
    private static async Task<(JsonElement Body, bool NextLink)> TimeAsync(HttpClient http, string path, string name, JsonObject result)
    {
        var later = new List<double>();
        byte[] body = [];
        var nextLink = false;
        for (var i = 0; i < Calls; i++)
        {
            var watch = Stopwatch.StartNew();
            using var response = await http.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
            body = await response.Content.ReadAsByteArrayAsync();
            var ms = watch.Elapsed.TotalMilliseconds;
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"{(int)response.StatusCode} from GET {path}");
            }

            nextLink = response.Headers.TryGetValues("Link", out var values) && values.Any(v => v.Contains("rel=\"next\"", StringComparison.Ordinal));
            if (i == 0)
            {
                result[$"{name}_first_ms"] = Stats.Round(ms);
            }
            else
            {
                later.Add(ms);
            }
        }

        result[$"{name}_ms_p50"] = Stats.Round(Stats.Percentile(later, 0.5));
        result[$"{name}_kb"] = Stats.Round(body.Length / 1024.0);
        await Console.Error.WriteLineAsync($"scale: GET {path} measured");
        using var document = JsonDocument.Parse(body);
        return (document.RootElement.Clone(), nextLink);
    }
}
