using EtlWeb.Orchestration;
using EtlWeb.Settings;
using EtlWeb.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace EtlWeb.Tests.Settings;

/// <summary>Each consumer reads the value saved on the Settings page at its next use, without a restart.</summary>
public sealed class SettingsConsumersTests
{
    private static Task SaveAsync(EtlWebFactory factory, SettingDefinition setting, long value) =>
        factory.Services.GetRequiredService<SettingsStore>().SaveAsync(new Dictionary<string, long?> { [setting.Key] = value });

    [Fact]
    public async Task Retention_purges_by_the_saved_runs_per_job()
    {
        using var admin = Acting.AsAdmin();
        await using var factory = new EtlWebFactory();
        using var client = factory.CreateClient();
        var job = await client.CreateJobAsync(JobsClient.ShellJob("often"));
        for (var i = 0; i < 3; i++)
        {
            await client.WaitForEndAsync(await client.RunJobAsync(job));
        }

        await SaveAsync(factory, SettingCatalog.RetentionRunsPerJob, 1);
        var retention = factory.Services.GetServices<IHostedService>().OfType<RetentionService>().Single();
        var purged = await retention.PurgeAsync(CancellationToken.None);

        Assert.Equal(2, purged);
        Assert.Single(await client.RunsOfAsync(job));
    }

    [Fact]
    public async Task A_saved_maximum_wait_applies_to_a_run_already_waiting()
    {
        using var admin = Acting.AsAdmin();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 10, 0, 0, TimeSpan.Zero));
        await using var factory = new EtlWebFactory { ConfigureServices = s => s.AddSingleton<TimeProvider>(clock) };
        using var client = factory.CreateClient();
        var runId = await client.RunWaitingOnAJobThatNeverRanAsync();

        await SaveAsync(factory, SettingCatalog.MaxUpstreamWaitMinutes, 60);
        clock.Advance(TimeSpan.FromMinutes(61));
        var skipped = await client.WaitForEndAsync(runId);

        Assert.Equal("Skipped", skipped.Status);
        Assert.Equal("Skipped after waiting 1 h, still waiting for: never (never ran)", skipped.Reason);
    }

    [Fact]
    public async Task A_saved_log_limit_applies_to_the_next_attempt()
    {
        using var admin = Acting.AsAdmin();
        await using var factory = new EtlWebFactory();
        using var client = factory.CreateClient();
        var job = await client.CreateJobAsync(JobsClient.ShellJob("chatty").With("command", "for i in $(seq 1 200); do echo line $i; done"));

        await SaveAsync(factory, SettingCatalog.MaxLogBytesPerAttempt, 1024);
        var run = await client.WaitForEndAsync(await client.RunJobAsync(job));

        Assert.True(run.Attempts[0].LogTruncated);
        Assert.Contains("more than 1,024 bytes", await client.LogAsync(run.Id), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_saved_kill_grace_applies_to_the_next_attempt()
    {
        using var admin = Acting.AsAdmin();
        await using var factory = new EtlWebFactory();
        using var client = factory.CreateClient();
        var job = await client.CreateJobAsync(JobsClient.ShellJob("slow").With("command", "sleep 30").With("timeout_seconds", 1));

        await SaveAsync(factory, SettingCatalog.KillGraceSeconds, 2);
        var run = await client.WaitForEndAsync(await client.RunJobAsync(job));

        Assert.Equal("TimedOut", run.Status);
        Assert.Contains("then SIGKILL after 2 s", await client.LogAsync(run.Id), StringComparison.Ordinal);
    }
}
