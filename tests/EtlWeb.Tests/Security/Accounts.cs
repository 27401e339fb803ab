using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using EtlWeb.Features.Security;
using EtlWeb.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace EtlWeb.Tests.Security;

/// <summary>Users made through <c>POST /api/users</c>, and API tokens or anonymous clients for them.</summary>
internal static class Accounts
{
    public const string Password = "correct horse battery";

    /// <summary>Creates the user through the API with <paramref name="admin"/>'s client; returns the user's id.</summary>
    public static async Task<string> CreateUserAsync(this EtlWebFactory factory, HttpClient admin, string name, string role, string password = Password)
    {
        using var response = await admin.PostAsJsonAsync(new Uri("/api/users", UriKind.Relative), new { name, role, password });
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"Creating {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await factory.FindUserAsync(name))!.Id;
    }

    public static async Task<IdentityUser?> FindUserAsync(this EtlWebFactory factory, string name)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>().FindByNameAsync(name);
    }

    /// <summary>A new API token of the user, made as the Tokens page makes it.</summary>
    public static async Task<string> CreateTokenAsync(this EtlWebFactory factory, string userId, string name = "tests") =>
        (await factory.Services.GetRequiredService<ApiTokens>().CreateAsync(userId, name)).Secret;

    /// <summary>A client that sends <paramref name="token"/> as its bearer token.</summary>
    public static HttpClient BearerClient(this EtlWebFactory factory, string token)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Creates a user with the role and returns a client acting as that user through a token of theirs.</summary>
    public static async Task<HttpClient> ClientForNewUserAsync(this EtlWebFactory factory, HttpClient admin, string name, string role) =>
        factory.BearerClient(await factory.CreateTokenAsync(await factory.CreateUserAsync(admin, name, role)));

    /// <summary>No bearer token, no redirects followed; cookies kept when <paramref name="cookies"/>.</summary>
    public static HttpClient AnonymousClient(this EtlWebFactory factory, bool cookies = false)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = cookies });
        client.DefaultRequestHeaders.Authorization = null;
        return client;
    }
}
