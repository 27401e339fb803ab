using System.Security.Cryptography;
using System.Text;
using EtlWeb.Data;
using EtlWeb.Security;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Features.Security;

/// <summary>A token as an Admin's list of every user's tokens shows it.</summary>
public sealed record TokenSummary(ApiToken Token, string UserName);

/// <summary>Creates, lists, revokes and checks users' API tokens.</summary>
public sealed class ApiTokens(IDbContextFactory<EtlDbContext> dbFactory, AuditLog audit, CurrentActor actors, TimeProvider time)
{
    private const string Scheme = "etl_";

    // Writing the last-used time on every request would turn each API read into a write.
    private static readonly TimeSpan LastUsedPrecision = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Creates a token; the returned text is the only time anyone sees it. <paramref name="role"/> caps what it may do
    /// (null: whatever its owner may); it may not be above the owner's role. <paramref name="expiresAt"/> ends it.
    /// </summary>
    /// <exception cref="ArgumentException">A name, role or expiry that cannot be; the message says which.</exception>
    public async Task<(ApiToken Token, string Secret)> CreateAsync(
        string userId, string name, string? role = null, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default)
    {
        name = name.Trim();
        if (name.Length == 0 || name.Length > ApiToken.MaxNameLength)
        {
            throw new ArgumentException($"A token needs a name of 1 to {ApiToken.MaxNameLength} characters.", nameof(name));
        }

        if (expiresAt is { } expiry && expiry <= time.GetUtcNow())
        {
            throw new ArgumentException("A token's expiry must be in the future.", nameof(expiresAt));
        }

        if (role is not null)
        {
            var ownerRole = await RoleOfAsync(userId, cancellationToken);
            if (!EtlRoles.All.Contains(role))
            {
                throw new ArgumentException($"'{role}' is not a role: a token's role is one of {string.Join(", ", EtlRoles.All)}.", nameof(role));
            }

            if (!EtlRoles.Allows(ownerRole, role))
            {
                throw new ArgumentException($"A token cannot do more than its owner: the owner's role is {ownerRole ?? "none"}, so {role} is not allowed.", nameof(role));
            }
        }

        var secret = Scheme + Base64Url(RandomNumberGenerator.GetBytes(32));
        var token = new ApiToken
        {
            UserId = userId,
            Name = name,
            Hash = Hash(secret),
            Prefix = secret[..(Scheme.Length + 6)],
            CreatedAt = time.GetUtcNow(),
            Role = role,
            ExpiresAt = expiresAt,
        };
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            db.ApiTokens.Add(token);
            await db.SaveChangesAsync(cancellationToken);
        }

        await audit.RecordAsync(AuditActions.TokenCreated, name, Describe(token), cancellationToken);
        return (token, secret);
    }

    /// <summary>Every user's tokens, newest first: an Admin's view, to find and revoke any of them.</summary>
    public async Task<IReadOnlyList<TokenSummary>> ListAllAsync(CancellationToken cancellationToken = default)
    {
        actors.Demand(EtlRoles.Admin, "list every user's tokens");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.ApiTokens.AsNoTracking()
            .Join(db.Users, t => t.UserId, u => u.Id, (t, u) => new { Token = t, Name = u.UserName ?? u.Id })
            .OrderByDescending(r => r.Token.Id)
            .ToListAsync(cancellationToken);
        return [.. rows.Select(r => new TokenSummary(r.Token, r.Name))];
    }

    /// <summary>An Admin revokes any user's token; false when there is no such active token.</summary>
    public async Task<bool> RevokeAnyAsync(int tokenId, CancellationToken cancellationToken = default)
    {
        actors.Demand(EtlRoles.Admin, "revoke another user's token");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var token = await db.ApiTokens.FirstOrDefaultAsync(t => t.Id == tokenId && t.RevokedAt == null, cancellationToken);
        if (token is null)
        {
            return false;
        }

        token.RevokedAt = time.GetUtcNow();
        token.RevokedReason = $"revoked by {actors.Value?.Name}";
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(AuditActions.TokenRevoked, token.Name, Describe(token) + ", " + token.RevokedReason, cancellationToken);
        return true;
    }

    /// <summary>Revokes every active token of a user (their role changed, an Admin set their password); returns how many.</summary>
    public async Task<int> RevokeAllOfAsync(string userId, string reason, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ApiTokens.Where(t => t.UserId == userId && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now).SetProperty(t => t.RevokedReason, reason), cancellationToken);
    }

    public async Task<IReadOnlyList<ApiToken>> ListAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ApiTokens.AsNoTracking().Where(t => t.UserId == userId).OrderByDescending(t => t.Id).ToListAsync(cancellationToken);
    }

    /// <summary>Revokes one of the user's tokens; false when the user has no such active token.</summary>
    public async Task<bool> RevokeAsync(string userId, int tokenId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var token = await db.ApiTokens.FirstOrDefaultAsync(t => t.Id == tokenId && t.UserId == userId && t.RevokedAt == null, cancellationToken);
        if (token is null)
        {
            return false;
        }

        token.RevokedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(AuditActions.TokenRevoked, token.Name, Describe(token), cancellationToken);
        return true;
    }

    /// <summary>
    /// The user an active token acts as, with the lower of the user's current role and the token's own, noting when the
    /// token was used; null when the token is unknown, revoked or expired, or its user is locked out or has no role.
    /// One query: this runs on every API call.
    /// </summary>
    public async Task<TokenUser?> FindUserAsync(string secret, CancellationToken cancellationToken = default)
    {
        if (!secret.StartsWith(Scheme, StringComparison.Ordinal))
        {
            return null;
        }

        var hash = Hash(secret);
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var found = await db.ApiTokens.Where(t => t.Hash == hash && t.RevokedAt == null && (t.ExpiresAt == null || t.ExpiresAt > now))
            .Join(db.Users, t => t.UserId, u => u.Id, (t, u) => new
            {
                t.Id,
                t.LastUsedAt,
                TokenRole = t.Role,
                u.UserName,
                UserId = u.Id,
                u.LockoutEnd,
                Roles = db.UserRoles.Where(r => r.UserId == u.Id).Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => r.Name).ToList(),
            })
            .FirstOrDefaultAsync(cancellationToken);
        if (found is null || found.LockoutEnd > now)
        {
            return null;
        }

        // A token carries its owner's roles, global and per folder, each capped at the token's own role.
        var ownerRole = EtlRoles.All.LastOrDefault(found.Roles.Contains);
        var grants = await FolderGrants.OfAsync(db, found.UserId, cancellationToken);
        if (ownerRole is null && grants.Count == 0)
        {
            return null;
        }

        var cap = found.TokenRole is { } capped && EtlRoles.All.Contains(capped) ? capped : null;
        var role = Capped(ownerRole, cap);
        grants = [.. grants.Select(g => g with { Role = Capped(g.Role, cap)! })];

        if (found.LastUsedAt is not { } used || now - used >= LastUsedPrecision)
        {
            await db.ApiTokens.Where(t => t.Id == found.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), cancellationToken);
        }

        return new TokenUser(found.UserId, found.UserName ?? found.UserId, role, grants);
    }

    private static string? Capped(string? role, string? cap) => role is not null && cap is not null && !EtlRoles.Allows(cap, role) ? cap : role;

    private async Task<string?> RoleOfAsync(string userId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var roles = await db.UserRoles.Where(r => r.UserId == userId).Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => r.Name).ToListAsync(cancellationToken);
        return EtlRoles.All.LastOrDefault(roles.Contains);
    }

    private static string Describe(ApiToken token) =>
        $"{token.Prefix}…, role {token.Role ?? "of its owner"}, {(token.ExpiresAt is { } expiry ? "expires " + expiry.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture) : "no expiry")}";

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>Who a token acts as.</summary>
public sealed record TokenUser(string UserId, string Name, string? Role, IReadOnlyList<FolderRole> Grants);
