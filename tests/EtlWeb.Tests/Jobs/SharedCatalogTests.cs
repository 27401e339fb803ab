using EtlWeb.Features.Jobs;
using EtlWeb.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace EtlWeb.Tests.Jobs;

/// <summary>
/// The catalogue in memory that every tab shares: read once, kept current once from the job changes and run events,
/// and each change given to every tab as the same snapshot.
/// </summary>
public sealed class SharedCatalogTests : HostTest
{
    [Fact]
    public async Task A_rename_a_run_and_a_delete_reach_every_tab_as_one_snapshot_without_reading_the_catalogue_again()
    {
        var load = await Client.CreateJobAsync(JobsClient.ShellJob("Load"));
        var report = await Client.CreateJobAsync(JobsClient.ShellJob("Report", "Load"));
        var shared = Factory.Services.GetRequiredService<SharedCatalog>();
        var first = await shared.CurrentAsync();
        Assert.Equal(["Load", "Report"], first.ByName.Select(j => j.Name));
        Assert.Same(first, await shared.CurrentAsync());
        var tabs = Enumerable.Range(0, 3).Select(_ => new Tab(shared)).ToList();

        var (status, body) = await Client.SendJsonAsync(HttpMethod.Put, $"/api/jobs/{load.Id}", JobsClient.ShellJob("Extract").ToJsonString());
        Assert.True(status == System.Net.HttpStatusCode.OK, body?.ToJsonString());
        var renamed = await Task.WhenAll(tabs.Select(t => t.WaitForAsync(s => s.Jobs[report.Id!.Value].UpstreamNames().SequenceEqual(["Extract"]))));
        Assert.All(renamed, s => Assert.Same(renamed[0], s));
        Assert.Equal(["Extract", "Report"], renamed[0].ByName.Select(j => j.Name));
        // The job nobody changed is the very document of the snapshot before.
        Assert.Equal("Extract", renamed[0].Jobs[load.Id!.Value].Name);

        var runId = await Client.RunJobAsync(renamed[0].Jobs[load.Id!.Value]);
        await Client.WaitForEndAsync(runId);
        await Task.WhenAll(tabs.Select(t => t.WaitForAsync(s => s.Jobs[load.Id!.Value] is { Status: "Succeeded", LastRunAt: not null })));

        (status, _) = await Client.SendJsonAsync(HttpMethod.Delete, $"/api/jobs/{load.Id}", "");
        Assert.Equal(System.Net.HttpStatusCode.NoContent, status);
        var deleted = await Task.WhenAll(tabs.Select(t => t.WaitForAsync(s => !s.Jobs.ContainsKey(load.Id!.Value))));
        Assert.All(deleted, s => Assert.Same(deleted[0], s));
        Assert.Equal(["Report"], deleted[0].ByName.Select(j => j.Name));
        Assert.Empty(deleted[0].Jobs[report.Id!.Value].UpstreamNames());
        Assert.Equal(1, shared.FullReads);

        foreach (var tab in tabs)
        {
            tab.Dispose();
        }
    }

    [Fact]
    public async Task A_batch_of_many_changed_jobs_is_read_in_one_go_not_as_the_whole_catalogue()
    {
        var ids = new List<int>();
        for (var i = 0; i < 40; i++)
        {
            ids.Add((await Client.CreateJobAsync(JobsClient.ShellJob($"Batch {i:00}"))).Id!.Value);
        }

        var shared = Factory.Services.GetRequiredService<SharedCatalog>();
        await shared.CurrentAsync();
        using var tab = new Tab(shared);
        await using (var db = await Factory.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<EtlWeb.Data.EtlDbContext>>().CreateDbContextAsync())
        {
            foreach (var job in db.Jobs.Where(j => ids.Contains(j.Id)))
            {
                job.Description = "changed in one batch";
            }

            await db.SaveChangesAsync();
        }

        // Forty changes announced at once: one batch, more than the 25 that used to mean a read of the whole catalogue.
        var feed = Factory.Services.GetRequiredService<EtlWeb.Realtime.JobChangeFeed>();
        ids.ForEach(feed.Publish);
        await tab.WaitForAsync(s => ids.All(id => s.Jobs[id].Description == "changed in one batch"));

        Assert.Equal(1, shared.FullReads);
    }

    /// <summary>A tab's subscription: every snapshot it was given.</summary>
    private sealed class Tab : IDisposable
    {
        private readonly Lock _gate = new();
        private readonly List<CatalogSnapshot> _seen = [];
        private readonly IDisposable _subscription;
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Tab(SharedCatalog catalog) => _subscription = catalog.Subscribe(snapshot =>
        {
            lock (_gate)
            {
                _seen.Add(snapshot);
                _changed.TrySetResult();
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        });

        /// <summary>The first snapshot given that matches, waiting (at most 20 s) for one to come.</summary>
        public async Task<CatalogSnapshot> WaitForAsync(Func<CatalogSnapshot, bool> match)
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            while (!limit.IsCancellationRequested)
            {
                Task changed;
                lock (_gate)
                {
                    if (_seen.FirstOrDefault(match) is { } found)
                    {
                        return found;
                    }

                    changed = _changed.Task;
                }

                await Task.WhenAny(changed, Task.Delay(Timeout.Infinite, limit.Token));
            }

            lock (_gate)
            {
                var last = _seen.LastOrDefault();
                throw new TimeoutException($"No snapshot matched in 20 s; {_seen.Count} came, the last: "
                    + string.Join("; ", (last?.ByName ?? []).Select(j => $"{j.Name} {j.Status} {j.LastRunAt} {j.WaitingFor} [{string.Join(",", j.UpstreamNames())}]")));
            }
        }

        public void Dispose() => _subscription.Dispose();
    }
}
