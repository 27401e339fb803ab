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
        await Task.Delay(300);
        var stillWaiting = (await client.GetJsonAsync($"/api/runs/{runId}"))!;
        clock.Advance(TimeSpan.FromHours(1));
        var skipped = await client.WaitForEndAsync(runId);

        Assert.Equal("Waiting", stillWaiting.Status());
        Assert.Equal("Skipped", skipped.Status());
        Assert.Equal("Skipped after waiting 24 h, still waiting for: never (never ran)", skipped["reason"]!.GetValue<string>());
    }
}
