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
/// The scheduler's timer is armed and has not stayed asleep long past the instant it was armed for (it sleeps until the
/// next fire, at most a minute), on the node that holds the scheduler lease; a web node waiting for the lease and a
/// worker node have nothing to check.
/// </summary>
internal sealed class SchedulerHealthCheck(Scheduler scheduler, TimeProvider time, IOptions<NodeOptions> node) : IHealthCheck
{
    private static readonly TimeSpan Stale = TimeSpan.FromSeconds(10);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(node.Value.IsWorker ? HealthCheckResult.Healthy("A worker node: the web node holding the scheduler lease schedules.")
            : !scheduler.Active ? HealthCheckResult.Healthy("Standby: another web node holds the scheduler lease; this one takes it if that node goes.")
            : scheduler.WakeAt is not { } wake
            ? NotArmed(scheduler.StartedAt)
            : time.GetUtcNow() - wake > Stale
                ? HealthCheckResult.Unhealthy($"The scheduler should have woken at {wake:O}; it last woke at {Format(scheduler.LastTick)}.")
                : HealthCheckResult.Healthy(scheduler.NextFire is { } next ? $"Next fire {next:O}; the scheduler wakes at {wake:O}" : $"No fire planned; the scheduler wakes at {wake:O}"));

    /// <summary>A scheduler that started less than <see cref="Stale"/> ago may still be planning; one not armed after that has stopped.</summary>
    private HealthCheckResult NotArmed(DateTimeOffset? started) =>
        started is { } at && time.GetUtcNow() - at <= Stale
            ? HealthCheckResult.Healthy($"Started at {at:O}; planning the schedule.")
            : HealthCheckResult.Unhealthy(started is { } since ? $"The scheduler is not running (started at {since:O}, last woke at {Format(scheduler.LastTick)})." : "The scheduler has not started.");

    private static string Format(DateTimeOffset? at) => at is { } value ? value.ToString("O", System.Globalization.CultureInfo.InvariantCulture) : "never";
}
