using System.Security.Cryptography;
using System.Text;
using EtlWeb.Data;
using EtlWeb.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Features.Security;

/// <summary>Creates, lists, revokes and checks users' API tokens.</summary>
public sealed class ApiTokens(IDbContextFactory<EtlDbContext> dbFactory, AuditLog audit, TimeProvider time)
{
    public const int MaxNameLength = 100;
    private const string Scheme = "etl_";

    // Writing the last-used time on every request would turn each API read into a write.
    private static readonly TimeSpan LastUsedPrecision = TimeSpan.FromMinutes(1);

    /// <summary>Creates a token; the returned text is the only time anyone sees it.</summary>
    public async Task<(ApiToken Token, string Secret)> CreateAsync(string userId, string name, CancellationToken cancellationToken = default)
    {
        name = name.Trim();
        if (name.Length == 0 || name.Length > MaxNameLength)
        {
            throw new ArgumentException($"A token needs a name of 1 to {MaxNameLength} characters.", nameof(name));
        }

        var secret = Scheme + Base64Url(RandomNumberGenerator.GetBytes(32));
        var token = new ApiToken
        {
            UserId = userId,
            Name = name,
            Hash = Hash(secret),
            Prefix = secret[..(Scheme.Length + 6)],
            CreatedAt = time.GetUtcNow(),
        };
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            db.ApiTokens.Add(token);
            await db.SaveChangesAsync(cancellationToken);
        }

        await audit.RecordAsync(AuditActions.TokenCreated, name, token.Prefix + "…", cancellationToken);
        return (token, secret);
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
        await audit.RecordAsync(AuditActions.TokenRevoked, token.Name, token.Prefix + "…", cancellationToken);
        return true;
    }

    /// <summary>
    /// The user an active token acts as, with the user's current role, noting when the token was used; null when the
    /// token is unknown or revoked, or its user is locked out or has no role. One query: this runs on every API call.
    /// </summary>
    public async Task<TokenUser?> FindUserAsync(string secret, CancellationToken cancellationToken = default)
    {
        if (!secret.StartsWith(Scheme, StringComparison.Ordinal))
        {
            return null;
        }

        var hash = Hash(secret);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var found = await db.ApiTokens.Where(t => t.Hash == hash && t.RevokedAt == null)
            .Join(db.Users, t => t.UserId, u => u.Id, (t, u) => new
            {
                t.Id,
                t.LastUsedAt,
                u.UserName,
                UserId = u.Id,
                u.LockoutEnd,
                Roles = db.UserRoles.Where(r => r.UserId == u.Id).Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => r.Name).ToList(),
            })
            .FirstOrDefaultAsync(cancellationToken);
        var now = time.GetUtcNow();
        if (found is null || found.LockoutEnd > now || EtlRoles.All.LastOrDefault(found.Roles.Contains) is not { } role)
        {
            return null;
        }

        if (found.LastUsedAt is not { } used || now - used >= LastUsedPrecision)
        {
            await db.ApiTokens.Where(t => t.Id == found.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), cancellationToken);
        }

        return new TokenUser(found.UserId, found.UserName ?? found.UserId, role);
    }

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>Who a token acts as.</summary>
public sealed record TokenUser(string UserId, string Name, string Role);
