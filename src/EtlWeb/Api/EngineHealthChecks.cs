using EtlWeb.Configuration;
using EtlWeb.Orchestration;
using Hangfire;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace EtlWeb.Api;

/// <summary>
/// Hangfire's storage answers and a Hangfire server is registered in it; a web node that runs no attempts
/// (EtlWeb:Node:RunsAttempts false) only needs the storage to answer, as its pages work without any worker.
/// </summary>
internal sealed class HangfireHealthCheck(JobStorage storage, IOptions<NodeOptions> node) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var servers = storage.GetMonitoringApi().Servers();
            if (!node.Value.RunsAttempts)
            {
                return Task.FromResult(HealthCheckResult.Healthy(
                    $"This node runs no attempts; {servers.Count} server(s) of worker nodes, {servers.Sum(s => s.WorkersCount)} worker(s)"));
            }

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

/// <summary>
/// The scheduler's timer has woken recently (it wakes at least every second), on the node that holds the scheduler
/// lease; a web node waiting for the lease and a worker node have nothing to check.
/// </summary>
internal sealed class SchedulerHealthCheck(Scheduler scheduler, TimeProvider time, IOptions<NodeOptions> node) : IHealthCheck
{
    private static readonly TimeSpan Stale = TimeSpan.FromSeconds(10);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(node.Value.IsWorker ? HealthCheckResult.Healthy("A worker node: the web node holding the scheduler lease schedules.")
            : !scheduler.Active ? HealthCheckResult.Healthy("Standby: another web node holds the scheduler lease; this one takes it if that node goes.")
            : scheduler.LastTick is not { } last
            ? NotTickedYet(scheduler.StartedAt)
            : time.GetUtcNow() - last > Stale
                ? HealthCheckResult.Unhealthy($"The scheduler last ticked at {last:O}.")
                : HealthCheckResult.Healthy(scheduler.NextFire is { } next ? $"Last tick {last:O}; next fire {next:O}" : $"Last tick {last:O}; no fire planned"));

    /// <summary>A scheduler that started less than <see cref="Stale"/> ago is as well as one that ticked that long ago.</summary>
    private HealthCheckResult NotTickedYet(DateTimeOffset? started) =>
        started is { } at && time.GetUtcNow() - at <= Stale
            ? HealthCheckResult.Healthy($"Started at {at:O}; the first tick is due.")
            : HealthCheckResult.Unhealthy(started is { } since ? $"The scheduler has not ticked since it started at {since:O}." : "The scheduler has not started.");
}
