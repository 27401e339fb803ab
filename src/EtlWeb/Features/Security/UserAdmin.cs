using EtlWeb.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Features.Security;

/// <summary>A user as the Users page lists it.</summary>
/// <param name="LockedUntil">The latest end of a lockout now in force, for any address.</param>
/// <param name="LockedAddresses">How many client addresses are locked out of this account now.</param>
public sealed record UserSummary(string Id, string Name, string Role, DateTimeOffset? LockedUntil, int FailedSignIns, int LockedAddresses);

/// <summary>
/// Creates and changes accounts. Each call runs in a scope of its own, since a circuit lives for hours and
/// Identity's stores hold a DbContext. Every change but the first administrator's needs the Admin role.
/// </summary>
public sealed class UserAdmin(
    IServiceScopeFactory scopes, CurrentActor actors, AuditLog audit, SetupLink setup, SignInGuard guard, ApiTokens tokens, TimeProvider time) : IDisposable
{
    private static readonly HashSet<string> ReservedNames = new([BearerTokenHandler.BootstrapName, "anonymous", "system"], StringComparer.OrdinalIgnoreCase);

    private readonly SemaphoreSlim _firstAdmin = new(1, 1);

    /// <summary>Creates the administrator through the one-time setup link; the errors are for the form.</summary>
    public async Task<IReadOnlyList<string>> CreateFirstAdminAsync(string token, string name, string password, string? address)
    {
        await _firstAdmin.WaitAsync();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            if (!setup.Accepts(token) || await users.Users.AnyAsync())
            {
                return ["This setup link is no longer valid. Sign in, or restart EtlWeb with no users to get a new link."];
            }

            var errors = await CreateAsync(users, name, EtlRoles.Admin, password);
            if (errors.Count == 0)
            {
                setup.Close();
                await audit.RecordAsync(new Actor(name.Trim(), EtlRoles.Admin, address), AuditActions.UserCreated, name.Trim(), "first administrator, through the setup link");
            }

            return errors;
        }
        finally
        {
            _firstAdmin.Release();
        }
    }

    public async Task<IReadOnlyList<UserSummary>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Data.EtlDbContext>();
        var roles = await db.UserRoles.Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => new { ur.UserId, r.Name })
            .ToDictionaryAsync(x => x.UserId, x => x.Name ?? "", cancellationToken);
        var now = time.GetUtcNow();
        var users = await db.Users.AsNoTracking().OrderBy(u => u.NormalizedUserName).ToListAsync(cancellationToken);
        return [.. users.Select(u => new UserSummary(
            u.Id, u.UserName ?? u.Id, roles.GetValueOrDefault(u.Id, EtlRoles.None),
            LockedUntil(u, now), guard.FailuresOf(u.UserName ?? ""), guard.LocksOf(u.UserName ?? "").Count))];
    }

    public async Task<IReadOnlyList<string>> CreateAsync(string name, string role, string password)
    {
        actors.Demand(EtlRoles.Admin, "create users");
        await using var scope = scopes.CreateAsyncScope();
        var errors = await CreateAsync(scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>(), name, role, password);
        if (errors.Count == 0)
        {
            // An account made another way (the API with the bootstrap token) ends the setup link's purpose too.
            setup.Close();
            await audit.RecordAsync(AuditActions.UserCreated, name.Trim(), "role " + role);
        }

        return errors;
    }

    /// <summary>Changes the role and revokes the user's API tokens, which were made under the old one.</summary>
    public Task<IReadOnlyList<string>> SetRoleAsync(string userId, string role) =>
        ChangeAsync(userId, $"role {role}", async (users, user) =>
        {
            if (!IsRole(role))
            {
                return [$"'{role}' is not a role."];
            }

            var current = await users.GetRolesAsync(user);
            if (current.Contains(EtlRoles.Admin) && role != EtlRoles.Admin && await IsLastAdminAsync(users))
            {
                return ["The last Admin cannot be demoted: make another user Admin first."];
            }

            var result = await users.RemoveFromRolesAsync(user, current);
            result = result.Succeeded && role != EtlRoles.None ? await users.AddToRoleAsync(user, role) : result;
            // A new stamp makes the user's open sessions re-check their role within a minute.
            var errors = Errors(result.Succeeded ? await users.UpdateSecurityStampAsync(user) : result);
            return errors.Count == 0 ? await RevokeTokensAsync(user, $"role changed to {role}") : errors;
        });

    /// <summary>Sets a new password and revokes the user's API tokens: whoever knew the old password may have made one.</summary>
    public Task<IReadOnlyList<string>> ResetPasswordAsync(string userId, string password) =>
        ChangeAsync(userId, "password reset", async (users, user) =>
        {
            var token = await users.GeneratePasswordResetTokenAsync(user);
            var errors = Errors(await users.ResetPasswordAsync(user, token, password));
            return errors.Count == 0 ? await RevokeTokensAsync(user, "password reset by an Admin") : errors;
        });

    private async Task<IReadOnlyList<string>> RevokeTokensAsync(IdentityUser user, string reason)
    {
        var revoked = await tokens.RevokeAllOfAsync(user.Id, reason);
        if (revoked > 0)
        {
            await audit.RecordAsync(AuditActions.TokenRevoked, user.UserName ?? user.Id, $"{revoked} token(s) of the user: {reason}");
        }

        return [];
    }

    public Task<IReadOnlyList<string>> UnlockAsync(string userId) =>
        ChangeAsync(userId, "unlocked", async (users, user) =>
        {
            guard.Unlock(user.UserName ?? "");
            var result = await users.SetLockoutEndDateAsync(user, null);
            return Errors(result.Succeeded ? await users.ResetAccessFailedCountAsync(user) : result);
        });

    public async Task<IReadOnlyList<string>> DeleteAsync(string userId)
    {
        actors.Demand(EtlRoles.Admin, "delete users");
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        if (await users.FindByIdAsync(userId) is not { } user)
        {
            return ["That user no longer exists."];
        }

        if (string.Equals(user.UserName, actors.Value?.Name, StringComparison.Ordinal))
        {
            return ["You cannot delete your own account."];
        }

        if ((await users.GetRolesAsync(user)).Contains(EtlRoles.Admin) && await IsLastAdminAsync(users))
        {
            return ["The last Admin cannot be deleted."];
        }

        var errors = Errors(await users.DeleteAsync(user));
        if (errors.Count == 0)
        {
            await audit.RecordAsync(AuditActions.UserDeleted, user.UserName ?? userId);
        }

        return errors;
    }

    private async Task<IReadOnlyList<string>> ChangeAsync(string userId, string what, Func<UserManager<IdentityUser>, IdentityUser, Task<IReadOnlyList<string>>> change)
    {
        actors.Demand(EtlRoles.Admin, "change users");
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        if (await users.FindByIdAsync(userId) is not { } user)
        {
            return ["That user no longer exists."];
        }

        var errors = await change(users, user);
        if (errors.Count == 0)
        {
            await audit.RecordAsync(AuditActions.UserChanged, user.UserName ?? userId, what);
        }

        return errors;
    }

    private static async Task<IReadOnlyList<string>> CreateAsync(UserManager<IdentityUser> users, string name, string role, string password)
    {
        if (!IsRole(role))
        {
            return [$"'{role}' is not a role."];
        }

        if (ReservedNames.Contains(name.Trim()))
        {
            return [$"'{name.Trim()}' is how the audit log names EtlWeb's own actors; choose another user name."];
        }

        var user = new IdentityUser(name.Trim());
        var result = await users.CreateAsync(user, password);
        return Errors(result.Succeeded && role != EtlRoles.None ? await users.AddToRoleAsync(user, role) : result);
    }

    /// <summary>A global role, or <see cref="EtlRoles.None"/> for a user who holds roles in some folders only.</summary>
    private static bool IsRole(string role) => role == EtlRoles.None || EtlRoles.All.Contains(role);

    /// <summary>A lockout for some address, or one an older EtlWeb set on the whole account.</summary>
    private DateTimeOffset? LockedUntil(IdentityUser user, DateTimeOffset now)
    {
        var ends = guard.LocksOf(user.UserName ?? "").Select(l => l.Until).ToList();
        if (user.LockoutEnd is { } end && end > now)
        {
            ends.Add(end);
        }

        return ends.Count == 0 ? null : ends.Max();
    }

    private static async Task<bool> IsLastAdminAsync(UserManager<IdentityUser> users) =>
        (await users.GetUsersInRoleAsync(EtlRoles.Admin)).Count <= 1;

    private static IReadOnlyList<string> Errors(IdentityResult result) => [.. result.Errors.Select(e => e.Description)];

    public void Dispose() => _firstAdmin.Dispose();
}
