using System.Security.Claims;

namespace EtlWeb.Features.Security;

/// <summary>Who is acting: a signed-in user, an API token or the bootstrap token. The audit log names it.</summary>
/// <param name="Role">One of <see cref="EtlRoles"/>; null for a principal without a role, which may do nothing.</param>
public sealed record Actor(string Name, string? Role, string? Address)
{
    public static Actor From(ClaimsPrincipal principal, string? address) => new(
        principal.Identity?.Name ?? "anonymous",
        EtlRoles.All.LastOrDefault(principal.IsInRole),
        address);
}

/// <summary>Thrown when the acting user's role does not allow an action; the API answers 403, the UI says so.</summary>
public sealed class AccessDeniedException(string message) : Exception(message);
