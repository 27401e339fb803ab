using System.Text.Json.Serialization;
using EtlWeb.Features.Security;
using EtlWeb.Security;

namespace EtlWeb.Api;

/// <summary>Body of a new user: a name, one of Viewer, Operator, Admin (or None, for a user with folder roles only), and a first password.</summary>
public sealed record NewUser(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("password")] string Password);

/// <summary>A user as created: the name and role, never the password.</summary>
public sealed record CreatedUser(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("role")] string Role);

/// <summary>A role held in one folder and every folder below it.</summary>
public sealed record GrantBody(
    [property: JsonPropertyName("folder")] string? Folder,
    [property: JsonPropertyName("role")] string? Role)
{
    public static GrantBody Of(FolderRole grant) => new(grant.Folder, grant.Role);
}

internal static class UsersApi
{
    /// <summary>Accounts for automation: with the bootstrap token, a script can create the first users without a browser.</summary>
    public static void MapUsersApi(this RouteGroupBuilder api)
    {
        var users = api.MapGroup("/users").WithTags("Users").RequireAuthorization(EtlPolicies.Administer);

        users.MapGet("/", async (UserAdmin admin, FolderGrants folders, CancellationToken ct) =>
            {
                var grants = await folders.AllAsync(ct);
                return TypedResults.Ok((await admin.ListAsync(ct)).Select(u => new
                {
                    id = u.Id,
                    name = u.Name,
                    role = u.Role,
                    grants = grants.GetValueOrDefault(u.Id, []).Select(GrantBody.Of),
                    locked_until = u.LockedUntil,
                    locked_addresses = u.LockedAddresses,
                }));
            })
            .WithSummary("List the users with their role, folder roles and lockout.");

        users.MapPut("/{name}/grants", async (string name, IReadOnlyList<GrantBody?> grants, FolderGrants folders, CancellationToken ct) =>
                await folders.SetAsync(name, [.. grants.Select(g => g is null ? null : new FolderRole(g.Folder ?? "", g.Role ?? ""))], ct) switch
                {
                    null => Results.Problem($"There is no user named '{name}'.", statusCode: StatusCodes.Status404NotFound),
                    { Count: > 0 } errors => Results.ValidationProblem(errors),
                    _ => Results.Ok(grants.OfType<GrantBody>().Select(g => GrantBody.Of(new FolderRole(Core.Jobs.FolderPath.Normalize(g.Folder), g.Role ?? "")))),
                })
            .WithSummary("Replace the roles a user holds in some folders (on top of the global role).")
            .WithDescription("The body is the whole list, e.g. [{\"folder\": \"finance\", \"role\": \"Operator\"}]; a role on a folder covers every folder below it. The user's role may be \"None\" to hold folder roles only.")
            .Produces<IEnumerable<GrantBody>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        users.MapPost("/", async (NewUser user, UserAdmin admin) =>
                await admin.CreateAsync(user.Name ?? "", user.Role ?? "", user.Password ?? "") is { Count: > 0 } errors
                    ? Results.ValidationProblem(new Dictionary<string, string[]> { ["user"] = [.. errors] })
                    : Results.Created($"/api/users", new CreatedUser(user.Name!.Trim(), user.Role!)))
            .WithSummary("Create a user with a role and a first password.")
            .Produces<CreatedUser>(StatusCodes.Status201Created)
            .ProducesValidationProblem();
    }
}
