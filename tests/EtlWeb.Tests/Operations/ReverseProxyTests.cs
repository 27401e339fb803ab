using EtlWeb.Testing;
using EtlWeb.Tests.Support;

namespace EtlWeb.Tests.Operations;

/// <summary>Behind a TLS proxy: its forwarded scheme counts only when the proxy is trusted.</summary>
public sealed class ReverseProxyTests : ChildAppTest
{
    [Fact]
    public async Task A_trusted_proxy_forwarding_https_makes_the_request_https_and_an_untrusted_one_changes_nothing()
    {
        await using (var untrusted = await AppProcess.StartAsync(DataDirectory, EtlWebChild.FreeAddress()))
        {
            Assert.False(await LooksHttpsAsync(untrusted), "without EtlWeb:TrustedProxies a forwarded scheme must be ignored");
        }

        await using var trusted = await AppProcess.StartAsync(
            DataDirectory,
            EtlWebChild.FreeAddress(),
            new Dictionary<string, string> { ["EtlWeb__TrustedProxies"] = "10.1.2.3, 127.0.0.0/8" });
        Assert.True(await LooksHttpsAsync(trusted), "a trusted proxy's X-Forwarded-Proto: https must make the request HTTPS");
    }

    /// <summary>HSTS is sent over HTTPS only, and the sign-in cookie is Secure only then.</summary>
    private static async Task<bool> LooksHttpsAsync(AppProcess app)
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/account/login", UriKind.Relative));
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var hsts = response.Headers.Contains("Strict-Transport-Security");
        var cookies = response.Headers.TryGetValues("Set-Cookie", out var values) ? values.ToList() : [];
        Assert.NotEmpty(cookies);
        Assert.All(cookies, c => Assert.Equal(hsts, c.Contains("secure", StringComparison.OrdinalIgnoreCase)));
        return hsts;
    }
}
