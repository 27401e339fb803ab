using System.Text.Json;
using EtlWeb.Data;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EtlWeb.Api;

internal sealed class DatabaseHealthCheck(IDbContextFactory<EtlDbContext> dbFactory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var jobs = await db.Jobs.CountAsync(cancellationToken);
            return HealthCheckResult.Healthy($"{jobs} job(s)");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy(ex.Message);
        }
    }
}

internal static class HealthApi
{
    private static readonly JsonSerializerOptions WithoutNulls = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    // Degraded (still starting: no Hangfire server yet, no scheduler tick yet) is not ready, so it answers 503.
    // Open without sign-in, like any liveness probe (Docker's health check has no account): an anonymous caller gets the
    // states only; a signed-in one also each check's description (job count, the database's error).
    public static void MapEtlWebHealth(this WebApplication app) =>
        app.MapHealthChecks("/health", new HealthCheckOptions
        {
            ResponseWriter = WriteAsync,
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        }).AllowAnonymous();

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var signedIn = context.User.Identity?.IsAuthenticated == true;
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = signedIn ? e.Value.Description : null }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, WithoutNulls));
    }
}
