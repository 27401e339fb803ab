namespace EtlWeb.Security;

/// <summary>
/// The three roles, each allowed everything the one before it may do: Viewer reads, Operator also runs, cancels
/// and pauses, Admin also edits jobs, settings, users and imports. A user holds exactly one.
/// </summary>
public static class EtlRoles
{
    public const string Viewer = "Viewer";
    public const string Operator = "Operator";
    public const string Admin = "Admin";

    /// <summary>No global role: the user may do only what roles granted per folder allow, in those folders.</summary>
    public const string None = "None";

    public static IReadOnlyList<string> All { get; } = [Viewer, Operator, Admin];

    /// <summary>The roles that hold at least <paramref name="minimum"/>: the ones an authorization policy accepts.</summary>
    public static string[] AtLeast(string minimum) => [.. All.Skip(Rank(minimum))];

    public static bool Allows(string? role, string minimum) => role is not null && All.Contains(role) && Rank(role) >= Rank(minimum);

    public static string Describe(string role) => role switch
    {
        Viewer => "reads everything, runs nothing",
        Operator => "also runs, cancels and pauses jobs",
        Admin => "also edits jobs, settings, users and imports",
        None => "only what roles granted per folder allow",
        _ => role,
    };

    private static int Rank(string role)
    {
        var rank = All.ToList().IndexOf(role);
        return rank >= 0 ? rank : throw new ArgumentOutOfRangeException(nameof(role), role, "Not an EtlWeb role.");
    }
}

/// <summary>Authorization policy names: endpoints, pages and the UI ask for a policy, never for a role list.</summary>
public static class EtlPolicies
{
    public const string View = "view";
    public const string Operate = "operate";

    /// <summary>Create, change and delete jobs: Admins, and the holders of an Admin grant on a folder (for its jobs only).</summary>
    public const string EditJobs = "edit-jobs";

    /// <summary>Everything outside the jobs (users, settings, pools, connections, backups): Admins of every folder only.</summary>
    public const string Administer = "administer";
}
