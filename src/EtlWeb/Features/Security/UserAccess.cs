using System.Security.Claims;
using EtlWeb.Security;

namespace EtlWeb.Features.Security;

/// <summary>
/// What the signed-in user may do, cascaded from the layout so components hide what the role cannot do. Hiding
/// is for clarity only: the services refuse the action on the server all the same (<see cref="CurrentActor"/>).
/// </summary>
/// <param name="Role">The global role; null for a user who holds roles in some folders only.</param>
public sealed record UserAccess(string Name, string? Role)
{
    public static UserAccess Nobody { get; } = new("", null);

    /// <summary>The roles held in some folders, on top of <see cref="Role"/>.</summary>
    public IReadOnlyList<FolderRole> Grants { get; init; } = [];

    /// <summary>Runs, cancels or pauses jobs somewhere: the run actions show (the job at hand decides, <see cref="CanOperateIn"/>).</summary>
    public bool CanOperate => Actor.HoldsSomewhere(EtlRoles.Operator);

    /// <summary>Admin of every folder: settings, users, pools, connections, calendars, imports.</summary>
    public bool CanAdminister => EtlRoles.Allows(Role, EtlRoles.Admin);

    /// <summary>Creates and edits jobs somewhere (an Admin, or the Admin of a folder).</summary>
    public bool CanEditJobs => Actor.HoldsSomewhere(EtlRoles.Admin);

    public bool CanOperateIn(string? folder) => EtlRoles.Allows(Actor.RoleIn(folder ?? ""), EtlRoles.Operator);

    public bool CanEditIn(string? folder) => EtlRoles.Allows(Actor.RoleIn(folder ?? ""), EtlRoles.Admin);

    private Actor Actor => new(Name, Role, null) { Grants = Grants };

    public static UserAccess From(ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true)
        {
            return Nobody;
        }

        var actor = Actor.From(user, null);
        return new UserAccess(actor.Name, actor.Role) { Grants = actor.Grants };
    }
}
