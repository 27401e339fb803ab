using EtlWeb.Core.Jobs;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EtlWeb.Data;

/// <summary>A role one user holds in one folder and every folder below it, on top of the user's global role.</summary>
public sealed class FolderGrant
{
    public string UserId { get; set; } = "";

    /// <summary>The folder path (<see cref="FolderPath"/>); never the root, which is the global role's.</summary>
    public string Folder { get; set; } = "";

    /// <summary>Viewer, Operator or Admin.</summary>
    public string Role { get; set; } = "";
}

internal sealed class FolderGrantConfiguration : IEntityTypeConfiguration<FolderGrant>
{
    public void Configure(EntityTypeBuilder<FolderGrant> builder)
    {
        builder.ToTable("folder_grants");
        builder.HasKey(g => new { g.UserId, g.Folder });
        builder.Property(g => g.Folder).HasMaxLength(FolderPath.MaxLength);
        builder.Property(g => g.Role).HasMaxLength(16);
        builder.HasOne<IdentityUser>().WithMany().HasForeignKey(g => g.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
