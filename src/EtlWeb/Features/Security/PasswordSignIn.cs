using System.Security.Cryptography;
using EtlWeb.Security;
using Microsoft.AspNetCore.Identity;

namespace EtlWeb.Features.Security;

/// <summary>
/// The sign-in form's check. An unknown user, a wrong password and a lockout get the same answer and take about the same
/// time (an unknown user's password is hashed against a dummy), so the form tells nobody which names exist. Failures
/// lock an account for the failing address only (<see cref="SignInGuard"/>).
/// </summary>
public sealed class PasswordSignIn(
    SignInManager<IdentityUser> signIn,
    UserManager<IdentityUser> users,
    IPasswordHasher<IdentityUser> hasher,
    SignInGuard guard,
    AuditLog audit)
{
    /// <summary>The one message every refusal shows.</summary>
    public const string Refusal = "Wrong user name or password, or too many failed sign-ins from here: try again later.";

    private static readonly IdentityUser Dummy = new("dummy");
    private static string? _dummyHash;

    /// <summary>Signs the user in (sets the cookie) and returns true, or returns false with nothing set.</summary>
    public async Task<bool> SignInAsync(string name, string password, HttpContext context)
    {
        name = name.Trim();
        var address = context.Connection.RemoteIpAddress;
        var key = SignInGuard.AddressKey(address);
        var actor = new Actor(name, null, address?.ToString());
        var user = guard.LockedUntil(key, name) is null ? await users.FindByNameAsync(name) : null;
        var succeeded = false;
        if (user is null)
        {
            // The same work as a wrong password, so the answer's timing does not tell whether the name exists.
            _dummyHash ??= hasher.HashPassword(Dummy, Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));
            hasher.VerifyHashedPassword(Dummy, _dummyHash, password);
        }
        else
        {
            succeeded = (await signIn.PasswordSignInAsync(user, password, isPersistent: false, lockoutOnFailure: false)).Succeeded;
        }

        if (succeeded)
        {
            guard.RecordSuccess(key, name);
            await audit.RecordAsync(actor, AuditActions.SignIn, name);
            return true;
        }

        if (guard.RecordFailure(key, name).AuditDetails is { } details)
        {
            await audit.RecordAsync(actor, AuditActions.SignInFailed, name, details);
        }

        return false;
    }
}
