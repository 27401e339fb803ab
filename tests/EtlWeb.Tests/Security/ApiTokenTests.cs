using System.Net;
using System.Net.Http.Json;
using EtlWeb.Data;
using EtlWeb.Features.Security;
using EtlWeb.Testing;
using EtlWeb.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EtlWeb.Tests.Security;

public sealed class ApiTokenTests : HostTest
{
    private ApiTokens Tokens => Factory.Services.GetRequiredService<ApiTokens>();

    [Fact]
    public async Task A_new_token_acts_as_its_user_with_the_users_role()
    {
        var userId = await Factory.CreateUserAsync(Client, "ann", EtlRoles.Operator);
        var (_, secret) = await Tokens.CreateAsync(userId, "deploy script");
        using var client = Factory.BearerClient(secret);

        Assert.StartsWith("etl_", secret, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, HttpMethod.Get, "/api/jobs"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(client, HttpMethod.Get, "/api/users"));
    }

    [Fact]
    public async Task A_token_acts_with_its_users_current_role_so_a_role_change_applies_to_the_next_request()
    {
        var userId = await Factory.CreateUserAsync(Client, "ann", EtlRoles.Viewer);
        using var client = Factory.BearerClient(await Factory.CreateTokenAsync(userId));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(client, HttpMethod.Get, "/api/users"));

        Assert.Empty(await Factory.Services.GetRequiredService<UserAdmin>().SetRoleAsync(userId, EtlRoles.Admin));

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, HttpMethod.Get, "/api/users"));
    }

    [Fact]
    public async Task The_database_keeps_only_the_tokens_hash_and_prefix_and_no_data_file_holds_the_token()
    {
        var userId = await Factory.CreateUserAsync(Client, "ann", EtlRoles.Viewer);
        var (created, secret) = await Tokens.CreateAsync(userId, "deploy script");
        using var client = Factory.BearerClient(secret);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, HttpMethod.Get, "/api/jobs"));

        await using (var db = await Factory.Services.GetRequiredService<IDbContextFactory<EtlDbContext>>().CreateDbContextAsync())
        {
            var stored = await db.ApiTokens.AsNoTracking().SingleAsync(t => t.Id == created.Id);
            Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret))), stored.Hash);
            Assert.Equal(secret[..10], stored.Prefix);
        }

        // The prefix is stored, so the search does see what the database holds; the rest of the token is not.
        Assert.NotEmpty(DataFiles.Containing(Factory.DataDirectory, created.Prefix));
        DataFiles.AssertNowhere(Factory.DataDirectory, secret[created.Prefix.Length..], "The token");
    }

    [Fact]
    public async Task A_revoked_token_is_refused_with_401()
    {
        var userId = await Factory.CreateUserAsync(Client, "ann", EtlRoles.Admin);
        var (created, secret) = await Tokens.CreateAsync(userId, "deploy script");
        using var client = Factory.BearerClient(secret);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, HttpMethod.Get, "/api/jobs"));

        Assert.True(await Tokens.RevokeAsync(userId, created.Id));

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, HttpMethod.Get, "/api/jobs"));
        Assert.NotNull(Assert.Single(await Tokens.ListAsync(userId)).RevokedAt);
    }

    [Theory]
    [InlineData("etl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("not-a-token")]
    [InlineData(EtlWebChild.BootstrapToken + "x")]
    [InlineData("etlweb-tests-bootstrap-token-0123456789abcdeF")]
    public async Task An_unknown_token_or_one_that_only_looks_like_the_bootstrap_token_is_refused_with_401(string token)
    {
        using var client = Factory.BearerClient(token);

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, HttpMethod.Get, "/api/jobs"));
    }

    [Fact]
    public async Task Using_a_token_records_when_it_was_last_used()
    {
        var userId = await Factory.CreateUserAsync(Client, "ann", EtlRoles.Viewer);
        var (created, secret) = await Tokens.CreateAsync(userId, "deploy script");
        Assert.Null(Assert.Single(await Tokens.ListAsync(userId)).LastUsedAt);
        using var client = Factory.BearerClient(secret);

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, HttpMethod.Get, "/api/jobs"));

        var used = Assert.Single(await Tokens.ListAsync(userId)).LastUsedAt;
        Assert.NotNull(used);
        Assert.True(used >= created.CreatedAt, $"last used {used:O} before created {created.CreatedAt:O}");
    }

    [Fact]
    public async Task The_tokens_of_a_deleted_user_stop_working_and_are_deleted_with_the_user()
    {
        var userId = await Factory.CreateUserAsync(Client, "ann", EtlRoles.Operator);
        using var client = Factory.BearerClient(await Factory.CreateTokenAsync(userId));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, HttpMethod.Get, "/api/jobs"));

        Assert.Empty(await Factory.Services.GetRequiredService<UserAdmin>().DeleteAsync(userId));

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, HttpMethod.Get, "/api/jobs"));
        Assert.Empty(await Tokens.ListAsync(userId));
    }

    [Fact]
    public async Task The_tokens_of_a_locked_out_user_stop_working()
    {
        var userId = await Factory.CreateUserAsync(Client, "ann", EtlRoles.Admin);
        using var client = Factory.BearerClient(await Factory.CreateTokenAsync(userId));
        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            await users.SetLockoutEndDateAsync((await users.FindByIdAsync(userId))!, DateTimeOffset.MaxValue);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, HttpMethod.Get, "/api/jobs"));
    }

    [Fact]
    public async Task The_bootstrap_token_acts_as_an_Admin()
    {
        using var response = await Client.PostAsJsonAsync(new Uri("/api/users", UriKind.Relative), new { name = "ann", role = EtlRoles.Viewer, password = Accounts.Password });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(Client, HttpMethod.Get, "/hangfire"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(Client, HttpMethod.Post, "/api/backup"));
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
