using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using EtlWeb.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EtlWeb.E2E;

public sealed partial class SignInTests(AppFixture app) : IClassFixture<AppFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => app.ServerLog.CheckAsync();

    [Fact]
    public async Task An_anonymous_visitor_is_sent_to_sign_in_a_wrong_password_is_refused_and_sign_out_ends_the_session()
    {
        await BrowserSignIn.CreateUserAsync(app.BaseAddress, "sam", "Operator");
        var page = await app.NewAnonymousPageAsync();
        await page.GotoAsync("/runs");
        await Expect(page).ToHaveURLAsync(new Regex("/account/login\\?ReturnUrl=%2Fruns$"));
        await AppFixture.ScreenshotAsync(page, "sign-in-1440x900");

        await page.GetByTestId("user-name").FillAsync("sam");
        await page.GetByTestId("password").FillAsync("not the password");
        await page.GetByTestId("sign-in").ClickAsync();
        await Expect(page.GetByTestId("sign-in-error")).ToHaveTextAsync("Wrong user name or password, or too many failed sign-ins from here: try again later.");

        await page.GetByTestId("user-name").FillAsync("sam");
        await page.GetByTestId("password").FillAsync(BrowserSignIn.Password);
        await page.GetByTestId("sign-in").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/runs$"));
        await page.Locator("[data-etl-ready=true]").WaitForAsync();
        await Expect(page.GetByTestId("user-menu")).ToContainTextAsync("sam");

        await page.GetByTestId("sign-out").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/account/login$"));
        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new Regex("/account/login"));
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task A_user_changes_their_password_and_signs_in_with_the_new_one()
    {
        await BrowserSignIn.CreateUserAsync(app.BaseAddress, "pat", "Viewer");
        var page = await app.NewAnonymousPageAsync();
        await BrowserSignIn.FillSignInAsync(page, "pat", BrowserSignIn.Password);
        await page.Locator("[data-etl-ready=true]").WaitForAsync();
        await page.GetByTestId("user-menu").ClickAsync();
        await page.GetByTestId("menu-password").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/account/password$"));

        await page.GetByTestId("current").FillAsync(BrowserSignIn.Password);
        await page.GetByTestId("password").FillAsync("a brand new secret");
        await page.GetByTestId("confirm").FillAsync("a brand new secret");
        await page.GetByTestId("change-password").ClickAsync();
        await Expect(page.GetByTestId("password-changed")).ToBeVisibleAsync();
        await AppFixture.ScreenshotAsync(page, "change-password-1440x900");

        var fresh = await app.NewAnonymousPageAsync();
        await BrowserSignIn.FillSignInAsync(fresh, "pat", BrowserSignIn.Password);
        await Expect(fresh.GetByTestId("sign-in-error")).ToBeVisibleAsync();
        await BrowserSignIn.FillSignInAsync(fresh, "pat", "a brand new secret");
        await fresh.Locator("[data-etl-ready=true]").WaitForAsync();
        await page.Context.DisposeAsync();
        await fresh.Context.DisposeAsync();
    }

    [Fact]
    public async Task A_viewer_sees_the_jobs_and_runs_but_no_action_that_changes_anything()
    {
        var id = await app.CreateJobAsync(new { name = "viewer-sees-me", job_type = "shell", command = "true" });
        var page = await app.NewPageAsAsync("Viewer");
        await AppFixture.GotoAsync(page, $"/?job={id}");
        await Expect(page.GetByTestId("read-only-note")).ToContainTextAsync("Viewer");
        await Expect(page.GetByTestId("job-run")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("job-new")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("job-edit")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("job-new-from-template")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("job-save-as-template")).ToHaveCountAsync(0);
        await AppFixture.ScreenshotAsync(page, "viewer-main-1440x900");

        await page.GetByTestId("menu-file").ClickAsync();
        await Expect(page.GetByTestId("menu-export")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("menu-new-job")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("menu-new-from-template")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("menu-import")).ToHaveCountAsync(0);
        await page.Keyboard.PressAsync("Escape");

        await AppFixture.GotoAsync(page, "/settings");
        await Expect(page.GetByTestId("settings-read-only")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("settings-save")).ToHaveCountAsync(0);
        await Expect(page.GetByLabel("Days kept", new() { Exact = true })).ToBeDisabledAsync();

        await AppFixture.GotoAsync(page, "/designer");
        await Expect(page.GetByTestId("designer-read-only")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("designer-layout")).ToHaveCountAsync(0);

        await page.GotoAsync("/admin/users");
        await Expect(page.GetByTestId("not-allowed").Or(page.GetByTestId("access-denied"))).ToBeVisibleAsync();
        await page.GotoAsync("/hangfire");
        await Expect(page.GetByTestId("access-denied")).ToBeVisibleAsync();
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task An_operator_can_run_a_job_but_not_edit_it()
    {
        var id = await app.CreateJobAsync(new { name = "operator-runs-me", job_type = "shell", command = "true" });
        var page = await app.NewPageAsAsync("Operator");
        await AppFixture.GotoAsync(page, $"/?job={id}");
        await Expect(page.GetByTestId("job-edit")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("job-toggle")).ToHaveCountAsync(0);
        await page.GetByTestId("job-run").ClickAsync();
        await Expect(page.GetByText(new Regex("Run #\\d+ of 'operator-runs-me' is")).First).ToBeVisibleAsync();
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task An_admin_adds_a_user_creates_and_revokes_a_token_and_finds_both_in_the_audit_log()
    {
        var page = await app.NewPageAsync();
        await AppFixture.GotoAsync(page, "/admin/users");
        await page.GetByTestId("user-add-name").FillAsync("olivia");
        await page.GetByTestId("user-add-role").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "Operator" }).ClickAsync();
        await page.GetByTestId("user-add-password").FillAsync("olivia's long password");
        await page.GetByTestId("user-add-save").ClickAsync();
        await Expect(page.GetByTestId("user-olivia")).ToBeVisibleAsync();
        await AppFixture.ScreenshotAsync(page, "users-1440x900");

        // An Operator makes a read-only token for a dashboard, expiring in 30 days.
        var operatorPage = await app.NewPageAsAsync("Operator");
        await AppFixture.GotoAsync(operatorPage, "/account/tokens");
        await operatorPage.GetByTestId("token-name").FillAsync("dashboard");
        await operatorPage.GetByTestId("token-role").ClickAsync();
        await operatorPage.GetByRole(AriaRole.Option, new() { Name = "Viewer", Exact = true }).ClickAsync();
        await operatorPage.GetByTestId("token-expiry").ClickAsync();
        await operatorPage.GetByRole(AriaRole.Option, new() { Name = "In 30 days" }).ClickAsync();
        await operatorPage.GetByTestId("token-create").ClickAsync();
        var readOnly = await operatorPage.GetByTestId("token-value").InnerTextAsync();
        await Expect(operatorPage.GetByTestId("tokens-table")).ToContainTextAsync("Viewer");
        Assert.Equal(HttpStatusCode.OK, await StatusWithTokenAsync(readOnly));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusWithTokenAsync(readOnly, HttpMethod.Post, "/api/jobs/1/run"));
        await operatorPage.Context.DisposeAsync();

        await AppFixture.GotoAsync(page, "/account/tokens");
        await page.GetByTestId("token-name").FillAsync("deploy script");
        await page.GetByTestId("token-create").ClickAsync();
        var token = await page.GetByTestId("token-value").InnerTextAsync();
        Assert.StartsWith("etl_", token, StringComparison.Ordinal);
        await Expect(page.GetByTestId("all-tokens-table")).ToContainTextAsync("dashboard");
        await AppFixture.ScreenshotAsync(page, "tokens-1440x900");
        Assert.Equal(HttpStatusCode.OK, await StatusWithTokenAsync(token));

        await page.GetByTestId("tokens-table-revoke-deploy script").ClickAsync();
        await Expect(page.GetByText("Token 'deploy script' of admin revoked")).ToBeVisibleAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithTokenAsync(token));

        // The Admin revokes the Operator's token from the list of every user's tokens.
        await page.GetByTestId("all-tokens-table-revoke-dashboard").ClickAsync();
        await Expect(page.GetByText("Token 'dashboard' of operator revoked")).ToBeVisibleAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithTokenAsync(readOnly));

        await AppFixture.GotoAsync(page, "/admin/audit");
        await Expect(page.GetByTestId("audit-table")).ToContainTextAsync("user created");
        await Expect(page.GetByTestId("audit-table")).ToContainTextAsync("token revoked");
        await page.GetByTestId("audit-filter-text").FillAsync("olivia");
        await Expect(page.GetByTestId("audit-target")).ToHaveTextAsync(["olivia"]);
        await AppFixture.ScreenshotAsync(page, "audit-1440x900");
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task The_first_visitor_creates_the_admin_through_the_one_time_link_from_the_log()
    {
        var data = Path.Combine(Path.GetTempPath(), "etlweb-e2e", "setup-" + Guid.NewGuid().ToString("N"));
        var address = EtlWebChild.FreeAddress();
        var link = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var keep = app.ServerLog.Keep("first-visit");
        using var child = EtlWebChild.Start(data, address, null, (line, fromStderr) =>
        {
            keep(line, fromStderr);
            if (SetupLink().Match(line) is { Success: true } match)
            {
                link.TrySetResult(match.Value);
            }
        });
        try
        {
            var url = await link.Task.WaitAsync(TimeSpan.FromSeconds(60));
            await using var context = await app.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = address.ToString() });
            var page = await context.NewPageAsync();
            await page.GotoAsync("/account/login");
            await Expect(page.GetByText("No account exists yet")).ToBeVisibleAsync();

            await page.GotoAsync(url);
            await page.GetByTestId("user-name").FillAsync("ada");
            await page.GetByTestId("password").FillAsync("short");
            await page.GetByTestId("confirm").FillAsync("short");
            await page.GetByTestId("create-admin").ClickAsync();
            await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("at least 10 characters");
            await AppFixture.ScreenshotAsync(page, "setup-1440x900");

            await page.GetByTestId("password").FillAsync("ada's first password");
            await page.GetByTestId("confirm").FillAsync("ada's first password");
            await page.GetByTestId("create-admin").ClickAsync();
            await page.Locator("[data-etl-ready=true]").WaitForAsync();
            await Expect(page.GetByTestId("user-menu")).ToContainTextAsync("ada");
            await page.GetByTestId("user-menu").ClickAsync();
            await Expect(page.GetByTestId("user-role")).ToContainTextAsync("Admin");

            var again = await context.Browser!.NewPageAsync(new BrowserNewPageOptions { BaseURL = address.ToString() });
            await again.GotoAsync(url);
            await Expect(again.GetByTestId("setup-invalid")).ToBeVisibleAsync();
            await again.Context.DisposeAsync();
        }
        finally
        {
            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync();
            Directory.Delete(data, recursive: true);
        }
    }

    [GeneratedRegex(@"https?://\S+/account/setup\?token=[0-9a-f]+")]
    private static partial Regex SetupLink();

    private async Task<HttpStatusCode> StatusWithTokenAsync(string token, HttpMethod? method = null, string path = "/api/jobs")
    {
        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, new Uri(path, UriKind.Relative));
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
