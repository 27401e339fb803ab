using EtlWeb.Core.Runs;
using EtlWeb.Orchestration;
using EtlWeb.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace EtlWeb.Tests.Scheduling;

/// <summary>A schedule fire is recorded with its run, so the same due time triggered twice (two schedulers) makes one run.</summary>
public sealed class FireRecordTests() : HostTest(new EtlWebFactory())
{
    [Fact]
    public async Task The_same_fire_triggered_twice_makes_one_run_and_a_later_fire_makes_another()
    {
        var job = await Client.CreateJobAsync(JobsClient.ShellJob("nightly").With("overlap_policy", "allow"));
        var coordinator = Factory.Services.GetRequiredService<PipelineCoordinator>();
        var due = new DateTimeOffset(2030, 1, 1, 2, 0, 0, TimeSpan.Zero);
        var jobId = job.Id!.Value;

        var first = await coordinator.TriggerAsync([new TriggerRequest(jobId, TriggerKind.Schedule, FireAt: due)], CancellationToken.None);
        var again = await coordinator.TriggerAsync([new TriggerRequest(jobId, TriggerKind.Schedule, FireAt: due)], CancellationToken.None);
        var earlier = await coordinator.TriggerAsync([new TriggerRequest(jobId, TriggerKind.Schedule, FireAt: due.AddHours(-1))], CancellationToken.None);
        var next = await coordinator.TriggerAsync([new TriggerRequest(jobId, TriggerKind.Schedule, FireAt: due.AddDays(1))], CancellationToken.None);

        Assert.NotNull(Assert.Single(first));
        Assert.Null(Assert.Single(again));
        Assert.Null(Assert.Single(earlier));
        Assert.NotNull(Assert.Single(next));
        Assert.Equal(2, (await Client.RunsOfAsync(job)).Count);
    }
}
