using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EtlWeb.Core.Jobs;
using EtlWeb.Tests.Support;

namespace EtlWeb.Tests.Api;

public sealed class JobPagingTests : HostTest
{
    [Fact]
    public async Task The_job_list_pages_in_name_order_and_links_to_the_next_page_until_the_last()
    {
        var upstream = await Client.CreateJobAsync(JobsClient.ShellJob("a extract"));
        foreach (var name in new[] { "e load", "c clean", "d report", "b stage" })
        {
            var document = JobsClient.ShellJob(name);
            document["dependencies"] = new JsonArray("a extract");
            await Client.CreateJobAsync(document);
        }

        var runId = await Client.RunJobAsync(upstream);
        await Client.WaitForEndAsync(runId);

        var names = new List<string>();
        var pages = 0;
        var next = "/api/jobs?limit=2";
        while (next is not null)
        {
            using var response = await Client.GetAsync(new Uri(next, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = (await response.Content.ReadFromJsonAsync<List<JobDocument>>())!;
            Assert.InRange(page.Count, 1, 2);
            names.AddRange(page.Select(j => j.Name!));
            // A page carries what the whole list carries: links, the latest run's status.
            Assert.All(page.Where(j => j.Name != "a extract"), j => Assert.Equal(["a extract"], j.UpstreamNames()));
            pages++;
            next = response.Headers.TryGetValues("Link", out var links) ? NextOf(links.Single()) : null;
        }

        Assert.Equal(["a extract", "b stage", "c clean", "d report", "e load"], names);
        Assert.Equal(3, pages);
        var all = await Client.GetDocumentAsync<List<JobDocument>>("/api/jobs");
        Assert.Equal(names, all.Select(j => j.Name));
        Assert.Equal("Succeeded", all[0].Status);
        var first = await Client.GetDocumentAsync<List<JobDocument>>("/api/jobs?limit=1");
        Assert.Equal(("a extract", "Succeeded"), (first.Single().Name, first.Single().Status));
        Assert.Equal(["d report", "e load"], (await Client.GetDocumentAsync<List<JobDocument>>("/api/jobs?after=c%20clean")).Select(j => j.Name));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1001")]
    public async Task A_limit_outside_1_to_1000_is_refused_naming_the_parameter(string limit)
    {
        var (status, body) = await Client.SendJsonAsync(HttpMethod.Get, $"/api/jobs?limit={limit}", "");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("between 1 and 1000", JobsClient.ErrorsOf(body, "limit").Single(), StringComparison.Ordinal);
    }

    private static string NextOf(string link)
    {
        Assert.EndsWith(">; rel=\"next\"", link, StringComparison.Ordinal);
        return link[1..link.IndexOf('>', StringComparison.Ordinal)];
    }
}
