using System.Net;
using System.Text.Json.Nodes;
using EtlWeb.Core.Jobs;
using EtlWeb.Features.Runs;
using EtlWeb.Security;
using EtlWeb.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace EtlWeb.Tests.Resources;

/// <summary>Pools and priorities on real processes: slots counted in the database, the best ready attempt first.</summary>
public sealed class PoolTests() : HostTest(new EtlWebFactory { Settings = { ["EtlWeb:MaxConcurrentJobs"] = "8" } })
{
    private string Gate(string name) => Path.Combine(Factory.DataDirectory, "go-" + name);

    /// <summary>A job of the pool that runs until its gate file appears.</summary>
    private async Task<JobDocument> GatedAsync(string name, string pool, int slots = 1, int priority = 0)
    {
        var job = JobsClient.ShellJob(name);
        job["command"] = $"while [ ! -e '{Gate(name)}' ]; do sleep 0.05; done";
        job["pool"] = pool;
        job["pool_slots"] = slots;
        job["priority"] = priority;
        return await Client.CreateJobAsync(job);
    }

    private async Task PoolAsync(string name, int slots)
    {
        var (status, body) = await Client.SendJsonAsync(HttpMethod.Post, "/api/pools", new JsonObject { ["name"] = name, ["slots"] = slots }.ToJsonString());
        Assert.True(status == HttpStatusCode.Created, body?.ToJsonString());
    }

    private void Open(string name) => File.WriteAllText(Gate(name), "");

    [Fact]
    public async Task A_two_slot_pool_never_runs_more_than_two_of_five_jobs_triggered_at_once()
    {
        await PoolAsync("warehouse", 2);
        var runs = new List<long>();
        foreach (var name in new[] { "p1", "p2", "p3", "p4", "p5" })
        {
            var job = JobsClient.ShellJob(name);
            job["command"] = "sleep 0.3";
            job["pool"] = "warehouse";
            runs.Add(await Client.RunJobAsync(await Client.CreateJobAsync(job)));
        }

        var ended = new List<RunDocument>();
        foreach (var run in runs)
        {
            ended.Add(await Client.WaitForEndAsync(run));
        }

        Assert.All(ended, r => Assert.Equal("Succeeded", r.Status));
        var spans = ended.Select(r => (Start: r.Attempts[0].StartedAt!.Value, End: r.Attempts[0].FinishedAt!.Value)).ToList();
        var most = spans.Max(s => spans.Count(o => o.Start <= s.Start && s.Start < o.End));
        Assert.InRange(most, 1, 2);
    }

    [Fact]
    public async Task A_priority_10_job_queued_last_starts_next_and_a_queued_run_says_it_waits_for_the_pool()
    {
        await PoolAsync("etl", 2);
        var first = await Client.RunJobAsync(await GatedAsync("first", "etl"));
        var second = await Client.RunJobAsync(await GatedAsync("second", "etl"));
        await Client.WaitForStatusAsync(first, "Running");
        await Client.WaitForStatusAsync(second, "Running");
        var low = await Client.RunJobAsync(await GatedAsync("low", "etl"));
        var urgent = await Client.RunJobAsync(await GatedAsync("urgent", "etl", priority: 10));
        var waiting = await Client.WaitForRunAsync(low, r => r.WaitingFor is not null);
        Assert.Equal("waiting for pool etl: 2 of 2 slots in use", waiting.WaitingFor);

        Open("first");
        var started = await Client.WaitForStatusAsync(urgent, "Running");
        Assert.Equal("Queued", (await Client.GetRunAsync(low)).Status);
        var pools = await Client.GetJsonAsync("/api/pools");
        Assert.Equal(2, pools![0]!["used"]!.GetValue<int>());
        Assert.Contains("etlweb_pool_slots_used{pool=\"etl\"} 2", await Client.GetStringAsync(new Uri("/metrics", UriKind.Relative)), StringComparison.Ordinal);

        foreach (var name in new[] { "second", "low", "urgent" })
        {
            Open(name);
        }

        var lowEnded = await Client.WaitForEndAsync(low);
        Assert.True(lowEnded.Attempts[0].StartedAt >= started.Attempts[0].StartedAt);
        Assert.Equal("Succeeded", (await Client.WaitForEndAsync(urgent)).Status);
    }

    [Fact]
    public async Task A_two_slot_job_waits_for_both_slots()
    {
        await PoolAsync("db", 2);
        var small = await Client.RunJobAsync(await GatedAsync("small", "db"));
        await Client.WaitForStatusAsync(small, "Running");
        var big = await Client.RunJobAsync(await GatedAsync("big", "db", slots: 2));

        var waiting = await Client.WaitForRunAsync(big, r => r.WaitingFor is not null);
        Assert.Equal("waiting for pool db: 1 of 2 slots in use, it needs 2", waiting.WaitingFor);
        Open("small");
        var smallEnded = await Client.WaitForEndAsync(small);
        Open("big");
        var bigEnded = await Client.WaitForEndAsync(big);

        Assert.Equal("Succeeded", bigEnded.Status);
        Assert.True(bigEnded.Attempts[0].StartedAt >= smallEnded.Attempts[0].FinishedAt);
    }

    [Fact]
    public async Task Pools_are_checked_where_jobs_name_them_and_cannot_shrink_below_or_vanish_under_their_jobs()
    {
        await PoolAsync("small", 1);
        var (status, body) = await Client.SendJsonAsync(HttpMethod.Post, "/api/pools", new JsonObject { ["name"] = "small", ["slots"] = 0 }.ToJsonString());
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("exists already", JobsClient.ErrorsOf(body, "name").Single(), StringComparison.Ordinal);
        Assert.Single(JobsClient.ErrorsOf(body, "slots"));

        var job = JobsClient.ShellJob("too-big").With("pool", "small").With("pool_slots", 2);
        (status, body) = await Client.SendJsonAsync(HttpMethod.Post, "/api/jobs", job.ToJsonString());
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("could never start", JobsClient.ErrorsOf(body, "pool_slots").Single(), StringComparison.Ordinal);
        (status, body) = await Client.SendJsonAsync(HttpMethod.Post, "/api/jobs", JobsClient.ShellJob("nowhere").With("pool", "missing").ToJsonString());
        Assert.Contains("no pool named 'missing'", JobsClient.ErrorsOf(body, "pool").Single(), StringComparison.Ordinal);

        await PoolAsync("two", 2);
        await Client.CreateJobAsync(JobsClient.ShellJob("wide").With("pool", "two").With("pool_slots", 2));
        (status, body) = await Client.SendJsonAsync(HttpMethod.Put, "/api/pools/two", new JsonObject { ["name"] = "two", ["slots"] = 1 }.ToJsonString());
        Assert.Contains("wide", JobsClient.ErrorsOf(body, "slots").Single(), StringComparison.Ordinal);
        (status, body) = await Client.SendJsonAsync(HttpMethod.Delete, "/api/pools/two", "");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("wide", JobsClient.ErrorsOf(body, "name").Single(), StringComparison.Ordinal);

        (status, _) = await Client.SendJsonAsync(HttpMethod.Put, "/api/pools/small", new JsonObject { ["name"] = "small", ["slots"] = 3 }.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, status);
        (status, _) = await Client.SendJsonAsync(HttpMethod.Delete, "/api/pools/small", "");
        Assert.Equal(HttpStatusCode.NoContent, status);
        (status, _) = await Client.SendJsonAsync(HttpMethod.Delete, "/api/pools/small", "");
        Assert.Equal(HttpStatusCode.NotFound, status);
        var (entries, _) = await Factory.Services.GetRequiredService<AuditLog>().SearchAsync(new AuditQuery(Action: AuditActions.PoolChanged));
        Assert.Equal(("small", "slots: 1 -> 3"), (entries.Single().Target, entries.Single().Details));
    }
}
