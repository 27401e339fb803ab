using System.Net.Http.Json;
using Microsoft.Playwright;

namespace EtlWeb.Testing;

/// <summary>
/// Users for browser sessions: created through the API with the bootstrap token, then signed in through the real
/// sign-in page once, so each browser context can start from the saved cookies. Shared by the browser tests and the benchmark.
/// </summary>
internal static class BrowserSignIn
{
    public const string Password = "correct horse battery";

    /// <summary>Creates the user (one of Viewer, Operator, Admin) through <c>POST /api/users</c>.</summary>
    public static async Task CreateUserAsync(Uri address, string name, string role, string password = Password)
    {
        using var client = EtlWebChild.CreateClient(address);
        using var response = await client.PostAsJsonAsync(new Uri("/api/users", UriKind.Relative), new { name, role, password });
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Creating user {name} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>Signs in on <c>/account/login</c> in a fresh context; returns the context's storage state (its cookies).</summary>
    public static async Task<string> SignInAsync(IBrowser browser, Uri address, string name, string password = Password)
    {
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = address.ToString() });
        var page = await context.NewPageAsync();
        await FillSignInAsync(page, name, password);
        // The cookie comes with the redirect away from the sign-in page: the page it leads to need not load.
        await page.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal),
            new PageWaitForURLOptions { Timeout = 30_000, WaitUntil = WaitUntilState.Commit });
        return await context.StorageStateAsync();
    }

    /// <summary>Opens the sign-in page and submits the form.</summary>
    public static async Task FillSignInAsync(IPage page, string name, string password)
    {
        await page.GotoAsync("/account/login");
        await page.GetByTestId("user-name").FillAsync(name);
        await page.GetByTestId("password").FillAsync(password);
        await page.GetByTestId("sign-in").ClickAsync();
    }
}
