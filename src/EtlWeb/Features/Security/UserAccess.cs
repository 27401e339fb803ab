using System.Security.Claims;
using EtlWeb.Security;

namespace EtlWeb.Features.Security;

/// <summary>
/// What the signed-in user may do, cascaded from the layout so components hide what the role cannot do. Hiding
/// is for clarity only: the services refuse the action on the server all the same (<see cref="CurrentActor"/>).
/// </summary>
public sealed record UserAccess(string Name, string? Role)
{
    public static UserAccess Nobody { get; } = new("", null);

    public bool CanOperate => EtlRoles.Allows(Role, EtlRoles.Operator);

    public bool CanAdminister => EtlRoles.Allows(Role, EtlRoles.Admin);

    public static UserAccess From(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true ? new UserAccess(user.Identity.Name ?? "", EtlRoles.All.LastOrDefault(user.IsInRole)) : Nobody;
}
