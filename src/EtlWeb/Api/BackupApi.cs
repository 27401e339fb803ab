using EtlWeb.Features.Backup;
using EtlWeb.Security;

namespace EtlWeb.Api;

internal static class BackupApi
{
    public static void MapBackupApi(this RouteGroupBuilder api) =>
        api.MapPost("/backup", async (BackupService backups, CancellationToken ct) =>
            {
                if (backups.Unavailable is { } reason)
                {
                    return Results.Problem(reason, statusCode: StatusCodes.Status409Conflict, title: "Back up PostgreSQL with pg_dump");
                }

                return Results.Ok(await backups.CreateAsync(ct));
            })
            .WithTags("Operations")
            .RequireAuthorization(EtlPolicies.Administer)
            .WithSummary("Back up both SQLite files while EtlWeb runs, into backups/<time> under the data directory; 409 on PostgreSQL, which is backed up with pg_dump.")
            .Produces<BackupResult>()
            .ProducesProblem(StatusCodes.Status409Conflict);
}
