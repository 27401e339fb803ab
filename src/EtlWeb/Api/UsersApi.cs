using System.Text.Json.Serialization;
using EtlWeb.Features.Security;
using EtlWeb.Security;

namespace EtlWeb.Api;

/// <summary>Body of a new user: a name, one of Viewer, Operator, Admin, and a first password.</summary>
public sealed record NewUser(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("password")] string Password);

/// <summary>A user as created: the name and role, never the password.</summary>
public sealed record CreatedUser(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("role")] string Role);

internal static class UsersApi
{
    /// <summary>Accounts for automation: with the bootstrap token, a script can create the first users without a browser.</summary>
    public static void MapUsersApi(this RouteGroupBuilder api)
    {
        var users = api.MapGroup("/users").WithTags("Users").RequireAuthorization(EtlPolicies.Administer);

        users.MapGet("/", async (UserAdmin admin, CancellationToken ct) =>
                TypedResults.Ok((await admin.ListAsync(ct)).Select(u => new
                {
                    id = u.Id,
                    name = u.Name,
                    role = u.Role,
                    locked_until = u.LockedUntil,
                    locked_addresses = u.LockedAddresses,
                })))
            .WithSummary("List the users with their role and lockout.");

        users.MapPost("/", async (NewUser user, UserAdmin admin) =>
                await admin.CreateAsync(user.Name ?? "", user.Role ?? "", user.Password ?? "") is { Count: > 0 } errors
                    ? Results.ValidationProblem(new Dictionary<string, string[]> { ["user"] = [.. errors] })
                    : Results.Created($"/api/users", new CreatedUser(user.Name!.Trim(), user.Role!)))
            .WithSummary("Create a user with a role and a first password.")
            .Produces<CreatedUser>(StatusCodes.Status201Created)
            .ProducesValidationProblem();
    }
}
