using System.Net;
using EtlWeb.Configuration;
using EtlWeb.Features.Security;
using EtlWeb.Security;
using EtlWeb.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace EtlWeb.Tests.Security;

public sealed class SignInTests() : HostTest(new EtlWebFactory
{
    Settings =
    {
        [AuthOptions.Section + ":MaxFailedSignIns"] = MaxFailedSignIns.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [AuthOptions.Section + ":SignInsPerMinute"] = SignInsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
    },
})
{
    private const int MaxFailedSignIns = 3;
    private const int SignInsPerMinute = 8;
    private const string WrongPassword = PasswordSignIn.Refusal;
    private const string Attacker = "203.0.113.7";
    private const string Owner = "198.51.100.20";

    [Fact]
    public async Task The_right_password_redirects_home_with_an_HttpOnly_SameSite_Lax_cookie_that_opens_the_API()
    {
        await Factory.CreateUserAsync(Client, "ann", EtlRoles.Viewer);
        using var browser = Factory.AnonymousClient(cookies: true);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync(new Uri("/api/jobs", UriKind.Relative))).StatusCode);

        using var response = await SignInAsync(browser, "ann", Accounts.Password);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.AbsolutePath);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("EtlWeb.Auth=", StringComparison.Ordinal))
            .Split(';', StringSplitOptions.TrimEntries).Skip(1).Select(a => a.ToLowerInvariant()).ToList();
        Assert.Contains("httponly", cookie);
        Assert.Contains("samesite=lax", cookie);
        using var jobs = await browser.GetAsync(new Uri("/api/jobs", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, jobs.StatusCode);
    }

    [Theory]
    [InlineData("ann", "not the password")]
    [InlineData("nobody", Accounts.Password)]
    public async Task A_wrong_password_or_unknown_user_gets_one_message_and_no_cookie(string name, string password)
    {
        await Factory.CreateUserAsync(Client, "ann", EtlRoles.Viewer);
        using var browser = Factory.AnonymousClient(cookies: true);

        using var response = await SignInAsync(browser, name, password);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(WrongPassword, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], c => c.StartsWith("EtlWeb.Auth=", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync(new Uri("/api/jobs", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task An_unknown_user_a_wrong_password_and_a_locked_account_get_the_same_answer()
    {
        await Factory.CreateUserAsync(Client, "ann", EtlRoles.Viewer);
        using var browser = Factory.AnonymousClient(cookies: true);
        var answers = new List<string>();
        for (var attempt = 1; attempt <= MaxFailedSignIns; attempt++)
        {
            answers.Add(await RefusalOfAsync(await SignInAsync(browser, "ann", "not the password", from: Attacker)));
        }

        answers.Add(await RefusalOfAsync(await SignInAsync(browser, "ann", Accounts.Password, from: Attacker)));
        answers.Add(await RefusalOfAsync(await SignInAsync(browser, "nobody", Accounts.Password, from: Attacker)));

        Assert.Equal(Enumerable.Repeat(WrongPassword, answers.Count), answers);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync(new Uri("/api/jobs", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_flood_of_wrong_passwords_from_one_address_locks_that_address_only_and_the_owner_still_signs_in()
    {
        await Factory.CreateUserAsync(Client, "ann", EtlRoles.Viewer);
        using var attacker = Factory.AnonymousClient(cookies: true);
        for (var attempt = 1; attempt <= MaxFailedSignIns + 2; attempt++)
        {
            (await SignInAsync(attacker, "ann", "guess " + attempt, from: Attacker)).Dispose();
        }

        using var owner = Factory.AnonymousClient(cookies: true);
        using var signedIn = await SignInAsync(owner, "ann", Accounts.Password, from: Owner);

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var users = (await Client.GetJsonAsync("/api/users"))!.AsArray();
        var ann = users.Single(u => u!["name"]!.GetValue<string>() == "ann")!;
        Assert.Equal(1, ann["locked_addresses"]!.GetValue<int>());
        using var fromAttacker = await SignInAsync(attacker, "ann", Accounts.Password, from: Attacker);
        Assert.Equal(WrongPassword, await RefusalOfAsync(fromAttacker));
    }

    [Fact]
    public async Task Posts_past_the_per_address_limit_get_429_with_Retry_After_before_any_password_is_checked()
    {
        await Factory.CreateUserAsync(Client, "ann", EtlRoles.Viewer);
        using var browser = Factory.AnonymousClient(cookies: true);
        for (var attempt = 1; attempt <= SignInsPerMinute; attempt++)
        {
            using var allowed = await SignInAsync(browser, "user" + attempt, "not the password", from: Attacker);
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        using var limited = await SignInAsync(browser, "ann", Accounts.Password, from: Attacker);
        using var setup = await browser.SendAsync(Post("/account/setup?token=guess", Attacker));
        using var elsewhere = await SignInAsync(Factory.AnonymousClient(cookies: true), "ann", Accounts.Password, from: Owner);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.InRange(int.Parse(Assert.Single(limited.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        Assert.Contains("Too many sign-in attempts", await limited.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(limited.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], c => c.StartsWith("EtlWeb.Auth=", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.TooManyRequests, setup.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, elsewhere.StatusCode);
    }

    [Fact]
    public async Task A_sign_in_and_a_failed_one_are_each_audited_under_the_name_typed()
    {
        await Factory.CreateUserAsync(Client, "ann", EtlRoles.Viewer);
        using var browser = Factory.AnonymousClient(cookies: true);

        (await SignInAsync(browser, "ann", "not the password")).Dispose();
        (await SignInAsync(browser, "ann", Accounts.Password)).Dispose();

        var (entries, _) = await Factory.Services.GetRequiredService<AuditLog>().SearchAsync(new AuditQuery(Text: "ann", Take: 100));
        Assert.Equal(
            [(AuditActions.SignIn, "ann", "ann", ""), (AuditActions.SignInFailed, "ann", "ann", "wrong user name or password")],
            entries.Where(e => e.Action is AuditActions.SignIn or AuditActions.SignInFailed).Select(e => (e.Action, e.Actor, e.Target, e.Details)));
    }

    [Theory]
    [InlineData("/runs", "/runs")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/\\evil.example/", "/")]
    [InlineData("https://evil.example/", "/")]
    public async Task After_sign_in_a_return_address_on_this_site_is_followed_and_any_other_is_not(string returnUrl, string expectedPath)
    {
        await Factory.CreateUserAsync(Client, "ann", EtlRoles.Viewer);
        using var browser = Factory.AnonymousClient(cookies: true);

        using var response = await SignInAsync(browser, "ann", Accounts.Password, "?returnUrl=" + Uri.EscapeDataString(returnUrl));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(("localhost", expectedPath), (response.Headers.Location!.Host, response.Headers.Location.AbsolutePath));
    }

    [Fact]
    public async Task The_sign_in_cookie_reads_the_api_but_a_change_through_the_api_needs_a_token()
    {
        await Factory.CreateUserAsync(Client, "ada", EtlRoles.Admin);
        var job = await Client.CreateJobAsync(JobsClient.ShellJob("forgeable"));
        using var browser = Factory.AnonymousClient(cookies: true);
        (await SignInAsync(browser, "ada", Accounts.Password)).Dispose();

        // What a forged form on a sibling site would send: the cookie, no token.
        using var forged = await browser.PostAsync(new Uri($"/api/jobs/{job.Id}/disable", UriKind.Relative), new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Contains("API token", await forged.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True((await Client.GetJobAsync(job.Id!.Value)).Enabled);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(new Uri("/api/export", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Signing_out_needs_the_antiforgery_token_and_then_ends_the_session()
    {
        await Factory.CreateUserAsync(Client, "ann", EtlRoles.Viewer);
        using var browser = Factory.AnonymousClient(cookies: true);
        (await SignInAsync(browser, "ann", Accounts.Password)).Dispose();

        using (var forged = await browser.PostAsync(new Uri("/account/logout", UriKind.Relative), new FormUrlEncodedContent([])))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(new Uri("/api/jobs", UriKind.Relative))).StatusCode);
        var page = await browser.GetStringAsync(new Uri("/account/password", UriKind.Relative));
        var token = Forms.HiddenInputs(page)[Forms.AntiforgeryField];

        using var signOut = await browser.PostAsync(new Uri("/account/logout", UriKind.Relative), new FormUrlEncodedContent([new(Forms.AntiforgeryField, token)]));

        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal("/account/login", signOut.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync(new Uri("/api/jobs", UriKind.Relative))).StatusCode);
    }

    [Theory]
    [InlineData("/account/login")]
    [InlineData("/api/jobs")]
    public async Task Responses_forbid_sniffing_framing_and_scripts_from_elsewhere(string path)
    {
        using var browser = Factory.AnonymousClient();

        using var response = await browser.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("same-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        // A browser enforces every policy it is sent (Blazor adds one of its own to pages), so one holding these suffices.
        var directives = response.Headers.GetValues("Content-Security-Policy").SelectMany(p => p.Split(';', StringSplitOptions.TrimEntries)).ToList();
        Assert.Contains("frame-ancestors 'none'", directives);
        Assert.Contains("script-src 'self'", directives);
        Assert.Contains("object-src 'none'", directives);
    }

    private static Task<HttpResponseMessage> SignInAsync(HttpClient browser, string name, string password, string query = "", string? from = null)
    {
        browser.DefaultRequestHeaders.Remove(TestClientAddress.Header);
        if (from is not null)
        {
            browser.DefaultRequestHeaders.Add(TestClientAddress.Header, from);
        }

        return Forms.SubmitAsync(browser, "/account/login" + query, new Dictionary<string, string>
        {
            ["Input.UserName"] = name,
            ["Input.Password"] = password,
        });
    }

    private static HttpRequestMessage Post(string url, string from)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(url, UriKind.Relative)) { Content = new FormUrlEncodedContent([]) };
        request.Headers.Add(TestClientAddress.Header, from);
        return request;
    }

    /// <summary>The refusal the sign-in form shows, after checking no session was started.</summary>
    private static async Task<string> RefusalOfAsync(HttpResponseMessage response)
    {
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.DoesNotContain(response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], c => c.StartsWith("EtlWeb.Auth=", StringComparison.Ordinal));
            var html = await response.Content.ReadAsStringAsync();
            var start = html.IndexOf("data-testid=\"sign-in-error\">", StringComparison.Ordinal);
            Assert.True(start >= 0, html);
            start = html.IndexOf('>', start) + 1;
            return System.Net.WebUtility.HtmlDecode(html[start..html.IndexOf('<', start)]);
        }
    }
}
