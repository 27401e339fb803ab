using EtlWeb.Orchestration;
using EtlWeb.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EtlWeb.Tests.Scheduling;

public sealed class MaxWaitTests
{
    [Fact]
    public async Task A_run_waiting_on_an_upstream_that_never_ran_is_Skipped_after_the_maximum_wait()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 10, 0, 0, TimeSpan.Zero));
        await using var factory = new EtlWebFactory { ConfigureServices = s => s.AddSingleton<TimeProvider>(clock) };
        using var client = factory.CreateClient();
        var runId = await client.RunWaitingOnAJobThatNeverRanAsync();
        clock.Advance(TimeSpan.FromHours(23));

        // A decision of every waiting run at 23 h, awaited: the run is not yet over its maximum wait.
        using (Acting.AsAdmin())
        {
            await factory.Services.GetRequiredService<RunEngine>().DecideWaitingAsync(CancellationToken.None);
        }

        var stillWaiting = await client.GetRunAsync(runId);
        clock.Advance(TimeSpan.FromHours(1));
        var skipped = await client.WaitForEndAsync(runId);

        Assert.Equal("Waiting", stillWaiting.Status);
        Assert.Equal("Skipped", skipped.Status);
        Assert.Equal("Skipped after waiting 24 h, still waiting for: never (never ran)", skipped.Reason);
    }
}
