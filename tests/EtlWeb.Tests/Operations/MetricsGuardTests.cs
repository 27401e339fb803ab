using System.Net;
using System.Net.Http.Headers;
using EtlWeb.Metrics;
using EtlWeb.Security;
using EtlWeb.Tests.Security;
using EtlWeb.Tests.Support;

namespace EtlWeb.Tests.Operations;

/// <summary>/metrics is not public: this machine only, or a client with the metrics token, or a signed-in Viewer.</summary>
public sealed class MetricsGuardTests
{
    private const string Token = "metrics-token-0123456789-0123456789-abc";

    [Theory]
    [InlineData("", null, "127.0.0.1", false, false, MetricsVerdict.Allowed)]
    [InlineData("", null, "::1", false, false, MetricsVerdict.Allowed)]
    [InlineData("", null, "::ffff:127.0.0.1", false, false, MetricsVerdict.Allowed)]
    [InlineData("", null, null, false, false, MetricsVerdict.Allowed)]
    [InlineData("", null, "192.0.2.10", false, false, MetricsVerdict.NotLocal)]
    [InlineData("", null, "127.0.0.1", true, false, MetricsVerdict.NotLocal)]
    [InlineData("", "Bearer " + Token, "192.0.2.10", false, false, MetricsVerdict.NotLocal)]
    [InlineData("", null, "192.0.2.10", false, true, MetricsVerdict.Allowed)]
    [InlineData(Token, "Bearer " + Token, "192.0.2.10", true, false, MetricsVerdict.Allowed)]
    [InlineData(Token, "bearer  " + Token + " ", "192.0.2.10", false, false, MetricsVerdict.Allowed)]
    [InlineData(Token, "Bearer wrong", "192.0.2.10", false, false, MetricsVerdict.TokenRequired)]
    [InlineData(Token, "Basic " + Token, "192.0.2.10", false, false, MetricsVerdict.TokenRequired)]
    [InlineData(Token, null, "127.0.0.1", false, false, MetricsVerdict.TokenRequired)]
    [InlineData(Token, null, "192.0.2.10", false, true, MetricsVerdict.Allowed)]
    public void The_guard_lets_through_this_machine_without_a_token_and_only_its_holders_with_one(
        string configured, string? authorization, string? client, bool forwarded, bool viewer, MetricsVerdict expected) =>
        Assert.Equal(expected, MetricsGuard.Decide(configured, authorization, client is null ? null : IPAddress.Parse(client), forwarded, viewer));

    [Fact]
    public async Task Without_a_token_another_machine_is_refused_unless_it_signs_in_as_a_viewer()
    {
        await using var factory = new EtlWebFactory();
        using var admin = factory.CreateClient();
        using var anonymous = factory.AnonymousClient();

        Assert.Equal(HttpStatusCode.OK, await ScrapeAsync(anonymous, "127.0.0.1"));
        Assert.Equal(HttpStatusCode.OK, await ScrapeAsync(anonymous, "::1"));
        Assert.Equal(HttpStatusCode.Forbidden, await ScrapeAsync(anonymous, "192.0.2.10"));
        Assert.Equal(HttpStatusCode.Forbidden, await ScrapeAsync(anonymous, "127.0.0.1", forwardedFor: "192.0.2.10"));

        using var viewer = await factory.ClientForNewUserAsync(admin, "grafana", EtlRoles.Viewer);
        Assert.Equal(HttpStatusCode.OK, await ScrapeAsync(viewer, "192.0.2.10"));
    }

    [Fact]
    public async Task With_a_token_any_machine_presenting_it_may_scrape_and_no_client_without_it()
    {
        await using var factory = new EtlWebFactory { Settings = { ["EtlWeb:Metrics:Token"] = Token } };
        using var anonymous = factory.AnonymousClient();

        Assert.Equal(HttpStatusCode.OK, await ScrapeAsync(anonymous, "192.0.2.10", bearer: Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await ScrapeAsync(anonymous, "192.0.2.10", bearer: "not-the-metrics-token-0123456789-0123456789"));
        Assert.Equal(HttpStatusCode.Unauthorized, await ScrapeAsync(anonymous, "127.0.0.1"));
    }

    private static async Task<HttpStatusCode> ScrapeAsync(HttpClient client, string address, string? bearer = null, string? forwardedFor = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/metrics", UriKind.Relative));
        request.Headers.Add(TestClientAddress.Header, address);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        using var response = await client.SendAsync(request);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        }

        return response.StatusCode;
    }
}
