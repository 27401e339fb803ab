using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using EtlWeb.Configuration;
using EtlWeb.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace EtlWeb.Features.Security;

/// <summary>
/// <c>Authorization: Bearer &lt;token&gt;</c>: a user's API token acts as that user with the user's current role;
/// the bootstrap token from configuration acts as an Admin named "bootstrap token" until an Admin account exists.
/// </summary>
internal sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiTokens tokens,
    AdminPresence admins,
    IOptions<AuthOptions> auth)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";
    public const string BootstrapName = "bootstrap token";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var secret = header["Bearer ".Length..].Trim();
        if (auth.Value.BootstrapToken is { Length: > 0 } bootstrap && FixedTimeEquals(secret, bootstrap))
        {
            return auth.Value.KeepBootstrapToken || !await admins.ExistsAsync(Context.RequestAborted)
                ? Success(BootstrapName, BootstrapName, EtlRoles.Admin, [])
                : AuthenticateResult.Fail("The bootstrap token stopped working when the first Admin account was made (EtlWeb:Auth:KeepBootstrapToken keeps it).");
        }

        return await tokens.FindUserAsync(secret, Context.RequestAborted) is { } user
            ? Success(user.UserId, user.Name, user.Role, user.Grants)
            : AuthenticateResult.Fail("The bearer token is unknown or revoked, or its user is locked out or has no role.");
    }

    private AuthenticateResult Success(string id, string name, string? role, IReadOnlyList<FolderRole> grants)
    {
        Claim[] roles = role is null ? [] : [new Claim(ClaimTypes.Role, role)];
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, id), new Claim(ClaimTypes.Name, name), .. roles, .. grants.Select(g => g.ToClaim())],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(a)), SHA256.HashData(Encoding.UTF8.GetBytes(b)));
}
