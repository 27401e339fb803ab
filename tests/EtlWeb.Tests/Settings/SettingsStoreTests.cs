using EtlWeb.Data;
using EtlWeb.Settings;
using EtlWeb.Tests.Support;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EtlWeb.Tests.Settings;

public sealed class SettingsStoreTests
{
    private static readonly string Days = SettingCatalog.RetentionDays.Key;

    private static SettingsStore Store(EtlWebFactory factory) => factory.Services.GetRequiredService<SettingsStore>();

    [Fact]
    public async Task Without_saved_values_the_configuration_is_in_force()
    {
        await using var factory = new EtlWebFactory { Settings = { ["EtlWeb:Retention:Days"] = "7" } };

        var store = Store(factory);

        Assert.Equal(7, store.Current.Retention.Days);
        Assert.Equal(7, store.Defaults.Retention.Days);
        Assert.Empty(store.Saved);
    }

    [Fact]
    public async Task A_saved_value_wins_over_the_configuration_and_outlives_a_restart()
    {
        using var admin = Acting.AsAdmin();
        var directory = Path.Combine(Path.GetTempPath(), "etlweb-tests", Guid.NewGuid().ToString("N"));
        await using (var first = new EtlWebFactory { DataDirectory = directory, DeleteDataDirectoryOnDispose = false, Settings = { ["EtlWeb:Retention:Days"] = "7" } })
        {
            var errors = await Store(first).SaveAsync(new Dictionary<string, long?> { [Days] = 3 });

            Assert.Empty(errors);
            Assert.Equal(3, Store(first).Current.Retention.Days);
        }

        await using var second = new EtlWebFactory { DataDirectory = directory, Settings = { ["EtlWeb:Retention:Days"] = "7" } };

        Assert.Equal(3, Store(second).Current.Retention.Days);
        Assert.Equal(7, Store(second).Defaults.Retention.Days);
        Assert.Equal(3, Store(second).Saved[Days]);
    }

    [Fact]
    public async Task A_value_outside_the_options_range_is_refused_and_nothing_of_the_save_is_kept()
    {
        using var admin = Acting.AsAdmin();
        await using var factory = new EtlWebFactory();
        var store = Store(factory);

        var errors = await store.SaveAsync(new Dictionary<string, long?>
        {
            [Days] = 3,
            [SettingCatalog.MaxConcurrentJobs.Key] = 0,
            [SettingCatalog.RetentionRunsPerJob.Key] = -1,
        });

        Assert.Equal("Must be between 1 and 256.", errors[SettingCatalog.MaxConcurrentJobs.Key]);
        Assert.Equal("Must be 0 or more.", errors[SettingCatalog.RetentionRunsPerJob.Key]);
        Assert.False(errors.ContainsKey(Days));
        Assert.Equal(30, store.Current.Retention.Days);
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<EtlDbContext>>().CreateDbContextAsync();
        Assert.Empty(await db.Settings.ToListAsync());
    }

    [Fact]
    public async Task An_unknown_key_is_refused()
    {
        using var admin = Acting.AsAdmin();
        await using var factory = new EtlWebFactory();

        var errors = await Store(factory).SaveAsync(new Dictionary<string, long?> { ["EtlWeb:NoSuchThing"] = 1 });

        Assert.Equal("Unknown setting.", errors["EtlWeb:NoSuchThing"]);
    }

    [Fact]
    public async Task Reset_to_default_deletes_the_saved_row_so_the_configuration_decides_again()
    {
        using var admin = Acting.AsAdmin();
        await using var factory = new EtlWebFactory { Settings = { ["EtlWeb:Retention:Days"] = "7" } };
        var store = Store(factory);
        await store.SaveAsync(new Dictionary<string, long?> { [Days] = 3 });

        await store.SaveAsync(new Dictionary<string, long?> { [Days] = null });

        Assert.Equal(7, store.Current.Retention.Days);
        Assert.Empty(store.Saved);
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<EtlDbContext>>().CreateDbContextAsync();
        Assert.Empty(await db.Settings.ToListAsync());
    }

    [Fact]
    public async Task A_saved_row_holds_the_value_as_JSON_with_its_time()
    {
        using var admin = Acting.AsAdmin();
        await using var factory = new EtlWebFactory();

        await Store(factory).SaveAsync(new Dictionary<string, long?> { [SettingCatalog.MaxLogBytesPerAttempt.Key] = 5L * 1024 * 1024 * 1024 });

        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<EtlDbContext>>().CreateDbContextAsync();
        var row = await db.Settings.SingleAsync();
        Assert.Equal("EtlWeb:MaxLogBytesPerAttempt", row.Key);
        Assert.Equal("5368709120", row.Value);
        Assert.True(row.UpdatedAt > TimeProvider.System.GetUtcNow().AddMinutes(-1));
    }

    [Fact]
    public async Task Subscribers_hear_each_save_with_the_values_in_force_until_they_unsubscribe()
    {
        using var admin = Acting.AsAdmin();
        await using var factory = new EtlWebFactory();
        var store = Store(factory);
        var heard = new List<int>();
        var subscription = store.Subscribe(settings => heard.Add(settings.Retention.Days));

        await store.SaveAsync(new Dictionary<string, long?> { [Days] = 3 });
        subscription.Dispose();
        await store.SaveAsync(new Dictionary<string, long?> { [Days] = 4 });

        Assert.Equal([3], heard);
    }

    [Fact]
    public async Task A_stored_value_that_no_longer_passes_is_ignored_for_the_configured_one()
    {
        var directory = Path.Combine(Path.GetTempPath(), "etlweb-tests", Guid.NewGuid().ToString("N"));
        await using (var first = new EtlWebFactory { DataDirectory = directory, DeleteDataDirectoryOnDispose = false })
        {
            await using var db = await first.Services.GetRequiredService<IDbContextFactory<EtlDbContext>>().CreateDbContextAsync();
            db.Settings.AddRange(
                new StoredSetting { Key = Days, Value = "\"soon\"", UpdatedAt = TimeProvider.System.GetUtcNow() },
                new StoredSetting { Key = SettingCatalog.MaxConcurrentJobs.Key, Value = "1000", UpdatedAt = TimeProvider.System.GetUtcNow() });
            await db.SaveChangesAsync();
        }

        await using var second = new EtlWebFactory { DataDirectory = directory };

        Assert.Equal(30, Store(second).Current.Retention.Days);
        Assert.Equal(5, Store(second).Current.Execution.MaxConcurrentJobs);
        Assert.Empty(Store(second).Saved);
    }

    [Fact]
    public async Task A_saved_max_concurrent_jobs_sizes_the_worker_pool_at_the_next_start_only()
    {
        using var admin = Acting.AsAdmin();
        var directory = Path.Combine(Path.GetTempPath(), "etlweb-tests", Guid.NewGuid().ToString("N"));
        await using (var first = new EtlWebFactory { DataDirectory = directory, DeleteDataDirectoryOnDispose = false })
        {
            using var client = first.CreateClient();
            await Store(first).SaveAsync(new Dictionary<string, long?> { [SettingCatalog.MaxConcurrentJobs.Key] = 7 });

            Assert.Equal(5, Store(first).RunningWorkerCount);
            Assert.Equal(7, Store(first).Current.Execution.MaxConcurrentJobs);
        }

        await using var second = new EtlWebFactory { DataDirectory = directory };
        using var restarted = second.CreateClient();

        Assert.Equal(7, Store(second).RunningWorkerCount);
        Assert.True(await HasServerWithWorkersAsync(second, 7), "No Hangfire server with 7 workers registered.");
    }

    private static async Task<bool> HasServerWithWorkersAsync(EtlWebFactory factory, int workers)
    {
        var storage = factory.Services.GetRequiredService<JobStorage>();
        for (var i = 0; i < 100; i++)
        {
            if (storage.GetMonitoringApi().Servers().Any(s => s.WorkersCount == workers))
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }
}
