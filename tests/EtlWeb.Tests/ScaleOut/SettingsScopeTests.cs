using EtlWeb.Settings;
using EtlWeb.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace EtlWeb.Tests.ScaleOut;

/// <summary>On PostgreSQL a value saved on the Settings page of one web node applies on the others at once; a worker node keeps its own configuration.</summary>
public sealed class SettingsScopeTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static EtlWebFactory Node(string connectionString, string name, string role = "Web")
    {
        var settings = PostgresFixture.Settings(connectionString);
        settings["EtlWeb:Node:Name"] = name;
        settings["EtlWeb:Node:Role"] = role;
        settings["EtlWeb:KillGraceSeconds"] = "7";
        return new EtlWebFactory { Settings = settings };
    }

    private static SettingsStore StoreOf(EtlWebFactory node)
    {
        using var client = node.CreateClient();
        return node.Services.GetRequiredService<SettingsStore>();
    }

    [Fact]
    public async Task A_save_on_one_web_node_applies_on_another_at_once_and_never_on_a_worker()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var first = Node(connectionString, "web-a");
        await using var second = Node(connectionString, "web-b");
        var here = StoreOf(first);
        var there = StoreOf(second);
        Assert.Equal((7, 7), (here.Current.Execution.KillGraceSeconds, there.Current.Execution.KillGraceSeconds));
        var reloaded = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watch = there.Subscribe(s => reloaded.TrySetResult(s.Execution.KillGraceSeconds));

        using (Acting.AsAdmin())
        {
            Assert.Empty(await here.SaveAsync(new Dictionary<string, long?> { [SettingCatalog.KillGraceSeconds.Key] = 12 }));
        }

        Assert.Equal(12, await reloaded.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(12, there.Current.Execution.KillGraceSeconds);

        // Started after the save, so it would read the saved value if it read any.
        await using var worker = Node(connectionString, "worker-c", "Worker");
        var workerStore = StoreOf(worker);
        Assert.Equal(7, workerStore.Current.Execution.KillGraceSeconds);
        Assert.Empty(workerStore.Saved);
    }
}
