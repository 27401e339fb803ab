using System.Text;
using System.Text.Json;
using EtlWeb.Features.Jobs;
using EtlWeb.Security;
using Microsoft.AspNetCore.Mvc;

namespace EtlWeb.Api;

internal static class ImportExportApi
{
    public static void MapImportExportApi(this RouteGroupBuilder api)
    {
        api.MapGet("/export", (JobImporter importer, string? format, string? folder, CancellationToken ct) =>
                FolderFilter.WithPathAsync(folder, path => ExportAsync(importer, format, path, ct)))
            .WithTags("Import and export")
            .WithSummary("Export every job you may see (dependencies by name, no secret values), or those of one folder and below (folder=); format=desktop writes the desktop tool's own format, which its File > Import Jobs reads.")
            .Produces<IReadOnlyList<EtlWeb.Core.Jobs.JobDocument>>(contentType: "application/json")
            .ProducesValidationProblem();


        api.MapPost("/import", async (HttpRequest request, JobImporter importer, bool? dry_run, CancellationToken ct) =>
            {
                using var reader = new StreamReader(request.Body, Encoding.UTF8);
                var json = await reader.ReadToEndAsync(ct);
                var report = await importer.ImportAsync(json, dry_run ?? false, ct);
                return report.HasErrors
                    ? Results.Json(report, statusCode: StatusCodes.Status422UnprocessableEntity)
                    : Results.Ok(report);
            })
            .WithTags("Import and export")
            .RequireAuthorization(EtlPolicies.Administer)
            .WithMetadata(OpenBody.Instance)
            .WithSummary("Import a JSON array of jobs, all or nothing; dry_run=true reports without changing anything and lists the fields each job has that EtlWeb does not read.")
            .Accepts<IReadOnlyList<EtlWeb.Core.Jobs.JobDocument>>("application/json")
            .Produces<ImportReport>()
            .Produces<ImportReport>(StatusCodes.Status422UnprocessableEntity);

        api.MapPost("/import/desktop-database", async (HttpRequest request, JobImporter importer, bool? dry_run, string? time_zone, CancellationToken ct) =>
            {
                if (!TryZone(time_zone, out var zone))
                {
                    return Results.ValidationProblem(new Dictionary<string, string[]> { ["time_zone"] = [$"'{time_zone}' is not a known time zone (for example Europe/Berlin)."] });
                }

                using var body = new MemoryStream();
                await request.Body.CopyToAsync(body, ct);
                var report = await importer.ImportDesktopDatabaseAsync(body.ToArray(), dry_run ?? false, zone, ct);
                return report.HasErrors
                    ? Results.Json(report, statusCode: StatusCodes.Status422UnprocessableEntity)
                    : Results.Ok(report);
            })
            .WithTags("Import and export")
            .RequireAuthorization(EtlPolicies.Administer)
            .WithMetadata(OpenBody.Instance, new RequestSizeLimitAttribute(DesktopDatabase.MaxBytes))
            .WithSummary("Import the desktop tool's etl_scheduler.db, sent as the request body (any content type): its jobs, dependencies and execution history; dry_run=true reports without changing anything. Its times, written without an offset, are read in time_zone (default: the server's).")
            .Produces<ImportReport>()
            .Produces<ImportReport>(StatusCodes.Status422UnprocessableEntity);
    }

    private const string EtlWebFormat = "etlweb";
    private const string DesktopFormat = "desktop";

    /// <summary>The desktop tool writes its export with Python's json.dump: every field, null ones too.</summary>
    private static readonly JsonSerializerOptions DesktopJson = new() { WriteIndented = true };

    private static bool TryZone(string? id, out TimeZoneInfo zone)
    {
        zone = TimeZoneInfo.Local;
        return string.IsNullOrWhiteSpace(id) || TimeZoneInfo.TryFindSystemTimeZoneById(id.Trim(), out zone!);
    }

    private static async Task<IResult> ExportAsync(JobImporter importer, string? format, string folder, CancellationToken ct)
    {
        switch (format)
        {
            case null or "" or EtlWebFormat:
                var jobs = await importer.ExportAsync(folder, ct);
                return Results.File(JsonSerializer.SerializeToUtf8Bytes(jobs, JobImporter.JsonOptions), "application/json", "etlweb-jobs.json");
            case DesktopFormat:
                var desktop = await importer.ExportDesktopAsync(folder, ct);
                return Results.File(JsonSerializer.SerializeToUtf8Bytes(desktop, DesktopJson), "application/json", "etl-scheduler-jobs.json");
            default:
                return Results.ValidationProblem(
                    new Dictionary<string, string[]> { ["format"] = [$"'{format}' is not an export format; use {EtlWebFormat} (the default) or {DesktopFormat}."] });
        }
    }
}
