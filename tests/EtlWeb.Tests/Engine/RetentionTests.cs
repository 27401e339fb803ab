using EtlWeb.Configuration;
using EtlWeb.Data;
using EtlWeb.Orchestration;
using EtlWeb.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EtlWeb.Tests.Engine;

public sealed class RetentionTests : HostTest
{
    private async Task<List<long>> RunFiveAsync()
    {
        var job = await Client.CreateJobAsync(JobsClient.ShellJob("often"));
        var ids = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            var runId = await Client.RunJobAsync(job);
            await Client.WaitForEndAsync(runId);
            ids.Add(runId);
        }

        return ids;
    }

    private RetentionService Retention(TimeProvider time, int runsPerJob, int days, int auditDays = 365) => new(
        Factory.Services.GetRequiredService<IDbContextFactory<EtlDbContext>>(),
        time,
        Microsoft.Extensions.Options.Options.Create(new RetentionOptions { RunsPerJob = runsPerJob, Days = days, AuditDays = auditDays }),
        NullLogger<RetentionService>.Instance);

    [Fact]
    public async Task Audit_entries_older_than_the_audit_retention_are_purged_and_zero_keeps_them_all()
    {
        var now = TimeProvider.System.GetUtcNow();
        await using (var db = await Factory.Services.GetRequiredService<IDbContextFactory<EtlDbContext>>().CreateDbContextAsync())
        {
            db.AuditEntries.AddRange(
                new EtlWeb.Data.AuditEntry { At = now.AddDays(-400), Actor = "ann", Action = "sign-in", Target = "ann" },
                new EtlWeb.Data.AuditEntry { At = now.AddDays(-10), Actor = "bob", Action = "sign-in", Target = "bob" });
            await db.SaveChangesAsync();
        }

        Assert.Equal(0, await Retention(TimeProvider.System, 0, 0, auditDays: 0).PurgeAuditAsync(CancellationToken.None));
        Assert.Equal(1, await Retention(TimeProvider.System, 0, 0, auditDays: 365).PurgeAuditAsync(CancellationToken.None));

        await using var check = await Factory.Services.GetRequiredService<IDbContextFactory<EtlDbContext>>().CreateDbContextAsync();
        Assert.Equal(["bob"], await check.AuditEntries.Where(e => e.Action == "sign-in").Select(e => e.Actor).ToListAsync());
    }

    [Fact]
    public async Task Only_the_newest_runs_per_job_are_kept_with_their_logs()
    {
        var ids = await RunFiveAsync();

        var purged = await Retention(TimeProvider.System, runsPerJob: 2, days: 0).PurgeAsync(CancellationToken.None);

        Assert.Equal(3, purged);
        await using var db = await Factory.Services.GetRequiredService<IDbContextFactory<EtlDbContext>>().CreateDbContextAsync();
        Assert.Equal(ids[^2..], await db.Runs.OrderBy(r => r.Id).Select(r => r.Id).ToListAsync());
        var keptAttempts = await db.Attempts.Select(a => a.Id).ToListAsync();
        Assert.Equal(2, keptAttempts.Count);
        Assert.All(await db.LogChunks.Select(c => c.AttemptId).Distinct().ToListAsync(), id => Assert.Contains(id, keptAttempts));
    }

    [Fact]
    public async Task Each_job_keeps_its_own_newest_runs_whatever_the_other_jobs_hold()
    {
        var often = await RunFiveAsync();
        var rare = await Client.CreateJobAsync(JobsClient.ShellJob("rare"));
        var rareRuns = new List<long>();
        for (var i = 0; i < 2; i++)
        {
            rareRuns.Add(await Client.RunJobAsync(rare));
            await Client.WaitForEndAsync(rareRuns[^1]);
        }

        var purged = await Retention(TimeProvider.System, runsPerJob: 2, days: 0).PurgeAsync(CancellationToken.None);

        Assert.Equal(3, purged);
        await using var db = await Factory.Services.GetRequiredService<IDbContextFactory<EtlDbContext>>().CreateDbContextAsync();
        Assert.Equal([.. often[^2..], .. rareRuns], await db.Runs.OrderBy(r => r.Id).Select(r => r.Id).ToListAsync());
        Assert.Equal(0, await Retention(TimeProvider.System, runsPerJob: 2, days: 0).PurgeAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Runs_older_than_the_age_limit_are_purged()
    {
        await RunFiveAsync();
        var later = new FakeTimeProvider(TimeProvider.System.GetUtcNow().AddDays(2));

        var keptByAge = await Retention(TimeProvider.System, runsPerJob: 0, days: 1).PurgeAsync(CancellationToken.None);
        var purgedLater = await Retention(later, runsPerJob: 0, days: 1).PurgeAsync(CancellationToken.None);

        Assert.Equal(0, keptByAge);
        Assert.Equal(5, purgedLater);
    }
}
