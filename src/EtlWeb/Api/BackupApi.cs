using EtlWeb.Features.Backup;
using EtlWeb.Features.Security;

namespace EtlWeb.Api;

internal static class BackupApi
{
    public static void MapBackupApi(this RouteGroupBuilder api) =>
        api.MapPost("/backup", async (BackupService backups, CancellationToken ct) =>
            {
                return Results.Ok(await backups.CreateAsync(ct));
            })
            .WithTags("Operations")
            .RequireAuthorization(EtlPolicies.Administer)
            .WithSummary("Back up both SQLite files while EtlWeb runs, into backups/<time> under the data directory.")
            .Produces<BackupResult>();
}
