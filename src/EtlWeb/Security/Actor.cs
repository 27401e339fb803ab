using System.Security.Claims;

namespace EtlWeb.Security;

/// <summary>Who is acting: a signed-in user, an API token, the bootstrap token, a webhook's caller, or EtlWeb's own engine. The audit log names it.</summary>
/// <param name="Role">One of <see cref="EtlRoles"/>; null for a principal without a role, which may do nothing.</param>
public sealed record Actor(string Name, string? Role, string? Address)
{
    /// <summary>
    /// EtlWeb's own engine (schedules, pipelines, retries, recovery, retention, notifications): it may do anything, and
    /// what it does is in the run history rather than the audit log. Entered explicitly by each engine entry point.
    /// </summary>
    public static Actor System { get; } = new("EtlWeb", EtlRoles.Admin, null);

    public bool IsSystem => ReferenceEquals(this, System);

    public static Actor From(ClaimsPrincipal principal, string? address) => new(
        principal.Identity?.Name ?? "anonymous",
        EtlRoles.All.LastOrDefault(principal.IsInRole),
        address);
}

/// <summary>Thrown when the acting user's role does not allow an action; the API answers 403, the UI says so.</summary>
public sealed class AccessDeniedException(string message) : Exception(message);
