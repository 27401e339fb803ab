using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Data;

/// <summary>Identity's tables under the app DB's snake-case names.</summary>
internal static class IdentityTables
{
    public static void Rename(ModelBuilder builder)
    {
        builder.Entity<IdentityUser>().ToTable("users");
        builder.Entity<IdentityRole>().ToTable("roles");
        builder.Entity<IdentityUserRole<string>>().ToTable("user_roles");
        builder.Entity<IdentityUserClaim<string>>().ToTable("user_claims");
        builder.Entity<IdentityUserLogin<string>>().ToTable("user_logins");
        builder.Entity<IdentityUserToken<string>>().ToTable("user_tokens");
        builder.Entity<IdentityRoleClaim<string>>().ToTable("role_claims");
    }
}
