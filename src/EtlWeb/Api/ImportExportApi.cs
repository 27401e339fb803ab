using System.Text;
using System.Text.Json;
using EtlWeb.Features.Jobs;
using EtlWeb.Security;

namespace EtlWeb.Api;

internal static class ImportExportApi
{
    public static void MapImportExportApi(this RouteGroupBuilder api)
    {
        api.MapGet("/export", async (JobImporter importer, CancellationToken ct) =>
            {
                var jobs = await importer.ExportAsync(ct);
                var json = JsonSerializer.SerializeToUtf8Bytes(jobs, JobImporter.JsonOptions);
                return Results.File(json, "application/json", "etlweb-jobs.json");
            })
            .WithTags("Import and export")
            .WithSummary("Export every job (dependencies by name, no secret values).")
            .Produces<IReadOnlyList<EtlWeb.Core.Jobs.JobDocument>>(contentType: "application/json");

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
    }
}
