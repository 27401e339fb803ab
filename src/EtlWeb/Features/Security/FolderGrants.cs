using EtlWeb.Core.Jobs;
using EtlWeb.Data;
using EtlWeb.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Features.Security;

/// <summary>
/// The roles each user holds in some folders, on top of the global role (<c>PUT /api/users/{name}/grants</c>, the
/// Users page). A change renews the user's security stamp, so open sessions take it within a minute, and API tokens,
/// which read their owner's grants at each request, at once.
/// </summary>
public sealed class FolderGrants(IDbContextFactory<EtlDbContext> dbFactory, IServiceScopeFactory scopes, CurrentActor actors, AuditLog audit)
{
    public static async Task<IReadOnlyList<FolderRole>> OfAsync(EtlDbContext db, string userId, CancellationToken cancellationToken) =>
        [.. (await db.FolderGrants.AsNoTracking().Where(g => g.UserId == userId).OrderBy(g => g.Folder).ToListAsync(cancellationToken))
            .Select(g => new FolderRole(g.Folder, g.Role))];

    /// <summary>Every user's grants by user id.</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<FolderRole>>> AllAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return (await db.FolderGrants.AsNoTracking().ToListAsync(cancellationToken))
            .GroupBy(g => g.UserId)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<FolderRole>)[.. g.OrderBy(x => x.Folder, StringComparer.Ordinal).Select(x => new FolderRole(x.Folder, x.Role))]);
    }

    /// <summary>
    /// Replaces the user's grants with <paramref name="grants"/>; the errors name the entry (<c>grants[1].folder</c>), and
    /// then nothing changed. Null when there is no such user.
    /// </summary>
    public async Task<Dictionary<string, string[]>?> SetAsync(string userName, IReadOnlyList<FolderRole?> grants, CancellationToken cancellationToken = default)
    {
        actors.Demand(EtlRoles.Admin, "grant folder roles");
        var errors = new Dictionary<string, string[]>();
        var cleaned = new List<FolderRole>();
        for (var i = 0; i < grants.Count; i++)
        {
            if (grants[i] is not { } grant)
            {
                errors[$"grants[{i}]"] = ["Give {\"folder\", \"role\"}; null is not a grant."];
                continue;
            }

            var folder = FolderPath.Normalize(grant.Folder);
            if (folder.Length == 0)
            {
                errors[$"grants[{i}].folder"] = ["Give a folder; a role in every folder is the user's global role."];
            }
            else if (FolderPath.Problem(folder) is { } problem)
            {
                errors[$"grants[{i}].folder"] = [problem];
            }
            else if (cleaned.Any(c => c.Folder == folder))
            {
                errors[$"grants[{i}].folder"] = [$"Folder '{folder}' is granted twice; give each folder one role."];
            }

            if (!EtlRoles.All.Contains(grant.Role ?? ""))
            {
                errors[$"grants[{i}].role"] = [$"'{grant.Role}' is not a role; use {string.Join(", ", EtlRoles.All)}."];
            }

            cleaned.Add(new FolderRole(folder, grant.Role ?? ""));
        }

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        if (await users.FindByNameAsync(userName) is not { } user)
        {
            return null;
        }

        if (errors.Count > 0)
        {
            return errors;
        }

        var db = scope.ServiceProvider.GetRequiredService<EtlDbContext>();
        await db.FolderGrants.Where(g => g.UserId == user.Id).ExecuteDeleteAsync(cancellationToken);
        db.FolderGrants.AddRange(cleaned.Select(g => new FolderGrant { UserId = user.Id, Folder = g.Folder, Role = g.Role }));
        await db.SaveChangesAsync(cancellationToken);
        await users.UpdateSecurityStampAsync(user);
        await audit.RecordAsync(AuditActions.UserChanged, user.UserName ?? userName,
            cleaned.Count == 0 ? "no folder roles" : "folder roles " + string.Join(", ", cleaned.Select(g => $"{g.Role} of {g.Folder}")), cancellationToken);
        return errors;
    }
}

/// <summary>Adds the user's folder roles to the claims of the sign-in cookie (renewed with the security stamp).</summary>
internal sealed class FolderClaimsFactory(UserManager<IdentityUser> users, RoleManager<IdentityRole> roles, Microsoft.Extensions.Options.IOptions<IdentityOptions> options, EtlDbContext db)
    : UserClaimsPrincipalFactory<IdentityUser, IdentityRole>(users, roles, options)
{
    protected override async Task<System.Security.Claims.ClaimsIdentity> GenerateClaimsAsync(IdentityUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaims((await FolderGrants.OfAsync(db, user.Id, CancellationToken.None)).Select(g => g.ToClaim()));
        return identity;
    }
}
