using EtlWeb.Core.Jobs;
using EtlWeb.Security;

namespace EtlWeb.Tests.Jobs;

public sealed class FolderPathTests
{
    [Theory]
    [InlineData(null, "")]
    [InlineData("  ", "")]
    [InlineData("/finance/daily/", "finance/daily")]
    [InlineData(" finance / daily ", "finance/daily")]
    [InlineData("finance/**", "finance")]
    [InlineData("**", "")]
    public void A_path_is_stored_without_outer_slashes_spaces_or_a_trailing_wildcard(string? text, string stored) =>
        Assert.Equal(stored, FolderPath.Normalize(text));

    [Theory]
    [InlineData("a//b", "'a//b' has an empty folder name between two '/'.")]
    [InlineData("a/../b", "'..' is not a folder name")]
    [InlineData("fin$ance", "'fin$ance' is not a folder name")]
    [InlineData("a/b/c/d/e/f/g/h/i", "'a/b/c/d/e/f/g/h/i' is 9 folders deep; at most 8 are allowed.")]
    public void A_bad_path_is_refused_naming_the_bad_part(string path, string message) =>
        Assert.StartsWith(message, FolderPath.Problem(path), StringComparison.Ordinal);

    [Fact]
    public void Good_paths_and_the_root_have_no_problem()
    {
        Assert.Null(FolderPath.Problem(""));
        Assert.Null(FolderPath.Problem("finance/daily loads/v2.1_x-y"));
    }

    [Theory]
    [InlineData("", "anything/below", true)]
    [InlineData("finance", "finance", true)]
    [InlineData("finance", "finance/daily", true)]
    [InlineData("finance", "finance-eu", false)]
    [InlineData("finance", "financeeu/daily", false)]
    [InlineData("finance/daily", "finance", false)]
    public void A_folder_covers_itself_and_the_folders_below_it(string ancestor, string path, bool covers) =>
        Assert.Equal(covers, FolderPath.Covers(ancestor, path));

    [Fact]
    public void The_ancestors_of_a_path_end_at_the_root()
    {
        Assert.Equal(["a/b/c", "a/b", "a", ""], FolderPath.SelfAndAncestors("a/b/c"));
        Assert.Equal("c", FolderPath.Leaf("a/b/c"));
    }

    [Fact]
    public void An_actors_role_in_a_folder_is_the_highest_of_its_global_role_and_the_grants_above_the_folder()
    {
        var actor = new Actor("fin", null, null) { Grants = [new FolderRole("finance", EtlRoles.Viewer), new FolderRole("finance/daily", EtlRoles.Admin)] };

        Assert.Equal(EtlRoles.Admin, actor.RoleIn("finance/daily/eu"));
        Assert.Equal(EtlRoles.Viewer, actor.RoleIn("finance/monthly"));
        Assert.Null(actor.RoleIn("ops"));
        Assert.Equal(["finance", "finance/daily"], actor.VisibleFolders);
        Assert.True(actor.HoldsSomewhere(EtlRoles.Admin));
        Assert.Equal(EtlRoles.Operator, (actor with { Role = EtlRoles.Operator }).RoleIn("ops"));
        Assert.Null((actor with { Role = EtlRoles.Operator }).VisibleFolders);
    }
}
