using EtlWeb.Orchestration;
using Hangfire;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EtlWeb.Api;

/// <summary>Hangfire's storage answers and a Hangfire server of this node is registered in it.</summary>
internal sealed class HangfireHealthCheck(JobStorage storage) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var servers = storage.GetMonitoringApi().Servers();
            return Task.FromResult(servers.Count > 0
                ? HealthCheckResult.Healthy($"{servers.Count} server(s), {servers.Sum(s => s.WorkersCount)} worker(s)")
                : HealthCheckResult.Degraded("No Hangfire server is registered: still starting, or this node's workers have stopped."));
        }
        catch (Exception ex)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy(ex.Message));
        }
    }
}

/// <summary>The scheduler's timer has woken recently (it wakes at least every second).</summary>
internal sealed class SchedulerHealthCheck(Scheduler scheduler, TimeProvider time) : IHealthCheck
{
    private static readonly TimeSpan Stale = TimeSpan.FromSeconds(10);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(scheduler.LastTick is not { } last
            ? HealthCheckResult.Degraded("The scheduler has not ticked yet.")
            : time.GetUtcNow() - last > Stale
                ? HealthCheckResult.Unhealthy($"The scheduler last ticked at {last:O}.")
                : HealthCheckResult.Healthy($"Last tick {last:O}"));
}
