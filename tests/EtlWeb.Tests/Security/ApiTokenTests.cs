using System.Net;
using System.Net.Http.Json;
using EtlWeb.Data;
using EtlWeb.Features.Security;
using EtlWeb.Security;
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
    public async Task A_role_change_or_a_password_set_by_an_Admin_revokes_the_users_tokens()
    {
        using var admin = Acting.AsAdmin();
        var ann = await Factory.CreateUserAsync(Client, "ann", EtlRoles.Viewer);
        var bob = await Factory.CreateUserAsync(Client, "bob", EtlRoles.Operator);
        using var annClient = Factory.BearerClient(await Factory.CreateTokenAsync(ann));
        using var bobClient = Factory.BearerClient(await Factory.CreateTokenAsync(bob));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(annClient, HttpMethod.Get, "/api/jobs"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(bobClient, HttpMethod.Get, "/api/jobs"));
        var users = Factory.Services.GetRequiredService<UserAdmin>();

        Assert.Empty(await users.SetRoleAsync(ann, EtlRoles.Admin));
        Assert.Empty(await users.ResetPasswordAsync(bob, "a brand new password"));

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(annClient, HttpMethod.Get, "/api/jobs"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(bobClient, HttpMethod.Get, "/api/jobs"));
        Assert.Equal("role changed to Admin", Assert.Single(await Tokens.ListAsync(ann)).RevokedReason);
        Assert.Equal("password reset by an Admin", Assert.Single(await Tokens.ListAsync(bob)).RevokedReason);
    }

    [Fact]
    public async Task A_token_with_a_lower_role_may_do_only_what_that_role_allows_and_none_may_rise_above_its_owner()
    {
        var admin = await Factory.CreateUserAsync(Client, "ada", EtlRoles.Admin);
        var operatorId = await Factory.CreateUserAsync(Client, "otto", EtlRoles.Operator);
        var (_, readOnly) = await Tokens.CreateAsync(admin, "dashboard", EtlRoles.Viewer);
        using var client = Factory.BearerClient(readOnly);

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, HttpMethod.Get, "/api/jobs"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(client, HttpMethod.Get, "/api/users"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(client, HttpMethod.Post, "/api/backup"));
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => Tokens.CreateAsync(operatorId, "too much", EtlRoles.Admin));
        Assert.StartsWith("A token cannot do more than its owner: the owner's role is Operator, so Admin is not allowed.", refused.Message, StringComparison.Ordinal);
        Assert.Empty(await Tokens.ListAsync(operatorId));
    }

    [Fact]
    public async Task A_token_stops_at_its_expiry_and_an_expiry_in_the_past_is_refused()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var tokens = new ApiTokens(
            Factory.Services.GetRequiredService<IDbContextFactory<EtlDbContext>>(),
            Factory.Services.GetRequiredService<EtlWeb.Security.AuditLog>(),
            Factory.Services.GetRequiredService<CurrentActor>(),
            time);
        var userId = await Factory.CreateUserAsync(Client, "ann", EtlRoles.Operator);
        var (_, secret) = await tokens.CreateAsync(userId, "for a week", expiresAt: time.GetUtcNow().AddDays(7));

        Assert.Equal(EtlRoles.Operator, (await tokens.FindUserAsync(secret))?.Role);
        time.Advance(TimeSpan.FromDays(7));
        Assert.Null(await tokens.FindUserAsync(secret));
        await Assert.ThrowsAsync<ArgumentException>(() => tokens.CreateAsync(userId, "already over", expiresAt: time.GetUtcNow()));
    }

    [Fact]
    public async Task An_Admin_lists_every_users_tokens_and_revokes_any_while_others_may_not()
    {
        var ann = await Factory.CreateUserAsync(Client, "ann", EtlRoles.Operator);
        var (annToken, annSecret) = await Tokens.CreateAsync(ann, "ann's script");
        var actors = Factory.Services.GetRequiredService<CurrentActor>();

        using (actors.Enter(new Actor("ann", EtlRoles.Operator, null)))
        {
            await Assert.ThrowsAsync<AccessDeniedException>(() => Tokens.ListAllAsync());
            await Assert.ThrowsAsync<AccessDeniedException>(() => Tokens.RevokeAnyAsync(annToken.Id));
        }

        using (actors.Enter(new Actor("ada", EtlRoles.Admin, null)))
        {
            Assert.Contains(await Tokens.ListAllAsync(), t => t.UserName == "ann" && t.Token.Name == "ann's script");
            Assert.True(await Tokens.RevokeAnyAsync(annToken.Id));
        }

        using var client = Factory.BearerClient(annSecret);
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, HttpMethod.Get, "/api/jobs"));
        Assert.Equal("revoked by ada", Assert.Single(await Tokens.ListAsync(ann)).RevokedReason);
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
        using var admin = Acting.AsAdmin();
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
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, HttpMethod.Get, "/api/jobs"));

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

    [Fact]
    public async Task The_bootstrap_token_stops_working_once_an_Admin_account_exists_unless_a_setting_keeps_it()
    {
        await using var factory = new EtlWebFactory { Settings = { ["EtlWeb:Auth:KeepBootstrapToken"] = "false" } };
        using var bootstrap = factory.CreateClient();
        await factory.CreateUserAsync(bootstrap, "viewer", EtlRoles.Viewer);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(bootstrap, HttpMethod.Get, "/api/users"));

        await factory.CreateUserAsync(bootstrap, "ada", EtlRoles.Admin);

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(bootstrap, HttpMethod.Get, "/api/users"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(Client, HttpMethod.Get, "/api/users"));
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
