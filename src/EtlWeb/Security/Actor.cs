using System.Globalization;
using System.Security.Claims;
using EtlWeb.Core.Jobs;

namespace EtlWeb.Security;

/// <summary>A role held in one folder and every folder below it (<see cref="FolderPath.Covers"/>).</summary>
public sealed record FolderRole(string Folder, string Role)
{
    /// <summary>The claim a signed-in user or an API token carries for each of its owner's folder roles.</summary>
    public const string ClaimType = "etlweb:folder_role";

    public Claim ToClaim() => new(ClaimType, string.Create(CultureInfo.InvariantCulture, $"{Role}:{Folder}"));

    public static FolderRole? FromClaim(Claim claim)
    {
        var colon = claim.Value.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && EtlRoles.All.Contains(claim.Value[..colon]) ? new FolderRole(claim.Value[(colon + 1)..], claim.Value[..colon]) : null;
    }
}

/// <summary>Who is acting: a signed-in user, an API token, the bootstrap token, a webhook's caller, or EtlWeb's own engine. The audit log names it.</summary>
/// <param name="Role">One of <see cref="EtlRoles"/>, held in every folder; null for a principal without a global role, which may do only what <see cref="Grants"/> allow.</param>
public sealed record Actor(string Name, string? Role, string? Address)
{
    /// <summary>
    /// EtlWeb's own engine (schedules, pipelines, retries, recovery, retention, notifications): it may do anything, and
    /// what it does is in the run history rather than the audit log. Entered explicitly by each engine entry point.
    /// </summary>
    public static Actor System { get; } = new("EtlWeb", EtlRoles.Admin, null);

    public bool IsSystem => ReferenceEquals(this, System);

    /// <summary>Roles held in some folders only, on top of <see cref="Role"/>.</summary>
    public IReadOnlyList<FolderRole> Grants { get; init; } = [];

    /// <summary>The folders whose jobs the actor may see, or null when it sees every folder (a global role).</summary>
    public IReadOnlyList<string>? VisibleFolders => Role is not null ? null : [.. Grants.Select(g => g.Folder)];

    /// <summary>The highest role the actor holds in <paramref name="folder"/>: the global role or a grant on it or a folder above.</summary>
    public string? RoleIn(string folder) => Grants.Where(g => FolderPath.Covers(g.Folder, folder)).Select(g => g.Role)
        .Append(Role).OfType<string>().OrderBy(r => EtlRoles.All.ToList().IndexOf(r)).LastOrDefault();

    /// <summary>Whether the actor holds <paramref name="minimum"/> in some folder, so a route for that role may let it in.</summary>
    public bool HoldsSomewhere(string minimum) => EtlRoles.Allows(Role, minimum) || Grants.Any(g => EtlRoles.Allows(g.Role, minimum));

    public static Actor From(ClaimsPrincipal principal, string? address) => new(
        principal.Identity?.Name ?? "anonymous",
        EtlRoles.All.LastOrDefault(principal.IsInRole),
        address)
    {
        Grants = [.. principal.FindAll(FolderRole.ClaimType).Select(FolderRole.FromClaim).OfType<FolderRole>()],
    };
}

/// <summary>Thrown when the acting user's role does not allow an action; the API answers 403, the UI says so.</summary>
public sealed class AccessDeniedException(string message) : Exception(message);
