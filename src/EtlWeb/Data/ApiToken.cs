using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EtlWeb.Data;

/// <summary>A named API token of one user. Only its SHA-256 hash is kept; the token itself is shown once.</summary>
public sealed class ApiToken
{
    public const int MaxNameLength = 100;

    public int Id { get; set; }

    public string UserId { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>Lower-case hex SHA-256 of the whole token.</summary>
    public string Hash { get; set; } = "";

    /// <summary>The token's first characters, so a user can tell their tokens apart without the secret.</summary>
    public string Prefix { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>The most the token may do (a read-only token for a dashboard is a Viewer's); null: its owner's role. Never above the owner's current role.</summary>
    public string? Role { get; set; }

    /// <summary>When the token stops working; null: it works until revoked.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>Why it was revoked when EtlWeb or an Admin did it (a role change, a password reset), not its owner.</summary>
    public string? RevokedReason { get; set; }
}

internal sealed class ApiTokenConfiguration : IEntityTypeConfiguration<ApiToken>
{
    public void Configure(EntityTypeBuilder<ApiToken> builder)
    {
        builder.ToTable("api_tokens");
        builder.HasIndex(t => t.Hash).IsUnique();
        builder.HasIndex(t => t.UserId);
        builder.Property(t => t.Name).HasMaxLength(ApiToken.MaxNameLength);
        builder.Property(t => t.Hash).HasMaxLength(64);
        builder.Property(t => t.Prefix).HasMaxLength(16);
        builder.Property(t => t.Role).HasMaxLength(16);
        builder.Property(t => t.RevokedReason).HasMaxLength(200);
        builder.HasOne<IdentityUser>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
