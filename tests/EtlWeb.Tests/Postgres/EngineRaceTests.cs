using EtlWeb.Core.Runs;
using EtlWeb.Data;
using EtlWeb.Orchestration;
using EtlWeb.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EtlWeb.Tests.Postgres;

/// <summary>
/// The engine's races on a real PostgreSQL database, where transactions of several connections (and several nodes)
/// really run side by side: each race is run many times over, and exactly one side wins every time. The hosts here
/// are web nodes (no worker runs the attempts), so what the engine decided stays in the database to be read.
/// </summary>
public sealed class EngineRaceTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private const int Rounds = 20;
    private static readonly AttemptOutcome Success = new(AttemptStatus.Succeeded, 0, "exit code 0");
    private static readonly AttemptOutcome Failure = new(AttemptStatus.Failed, 1, "exit code 1");

    private static EtlWebFactory WebNode(string connectionString, string name)
    {
        var settings = PostgresFixture.Settings(connectionString);
        settings["EtlWeb:Node:Name"] = name;
        settings["EtlWeb:Node:RunsAttempts"] = "false";
        return new EtlWebFactory { Settings = settings };
    }

    [Fact]
    public async Task Two_triggers_of_one_job_at_the_same_moment_make_one_run()
    {
        await using var factory = WebNode(await postgres.CreateDatabaseAsync(), "web-1");
        var engine = factory.Services.GetRequiredService<RunEngine>();
        using var admin = Acting.AsAdmin();
        for (var round = 0; round < Rounds; round++)
        {
            var jobId = await CreateJobAsync(factory, $"load-{round}");

            var runs = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
                engine.TriggerAsync([new TriggerRequest(jobId, TriggerKind.Manual)], CancellationToken.None))));

            // The second trigger joins the run the first made; neither saw "no pending run" while the other made one.
            Assert.Equal(runs[0][0]!.Id, runs[1][0]!.Id);
            Assert.Equal(1, await QueryAsync(factory, db => db.Runs.CountAsync(r => r.JobId == jobId)));
        }
    }

    [Fact]
    public async Task Two_settles_of_one_attempt_at_the_same_moment_end_it_once()
    {
        await using var factory = WebNode(await postgres.CreateDatabaseAsync(), "web-1");
        var engine = factory.Services.GetRequiredService<RunEngine>();
        using var admin = Acting.AsAdmin();
        var jobId = await CreateJobAsync(factory, "load");
        for (var round = 0; round < Rounds; round++)
        {
            var attemptId = await QueuedAttemptAsync(factory, engine, jobId);
            Assert.NotNull((await engine.ClaimAsync(attemptId, CancellationToken.None)).Claimed);

            var settled = await Task.WhenAll(
                Task.Run(() => engine.SettleAsync(attemptId, Success, null, engine.NodeName, CancellationToken.None)),
                Task.Run(() => engine.SettleAsync(attemptId, Failure, null, engine.NodeName, CancellationToken.None)));

            Assert.Single(settled, won => won);
            var attempt = await QueryAsync(factory, db => db.Attempts.AsNoTracking().SingleAsync(a => a.Id == attemptId));
            var run = await QueryAsync(factory, db => db.Runs.AsNoTracking().Include(r => r.Attempts).SingleAsync(r => r.Id == attempt.RunId));
            Assert.Equal(settled[0] ? AttemptStatus.Succeeded : AttemptStatus.Failed, attempt.Status);
            Assert.Equal(settled[0] ? RunStatus.Succeeded : RunStatus.Failed, run.Status);
            Assert.Single(run.Attempts);
        }
    }

    [Fact]
    public async Task Two_claims_of_one_attempt_at_the_same_moment_start_it_once()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var first = WebNode(connectionString, "web-1");
        await using var second = WebNode(connectionString, "web-2");
        var engines = new[] { first.Services.GetRequiredService<RunEngine>(), second.Services.GetRequiredService<RunEngine>() };
        using var admin = Acting.AsAdmin();
        var jobId = await CreateJobAsync(first, "load");
        for (var round = 0; round < Rounds; round++)
        {
            var attemptId = await QueuedAttemptAsync(first, engines[0], jobId);

            var claims = await Task.WhenAll(engines.Select(engine => Task.Run(() => engine.ClaimAsync(attemptId, CancellationToken.None))));

            var winner = Assert.Single(claims, c => c.Claimed is not null).Claimed!;
            var stored = await QueryAsync(first, db => db.Attempts.AsNoTracking().SingleAsync(a => a.Id == attemptId));
            Assert.Equal(winner.Attempt.Node, stored.Node);
            Assert.Equal(AttemptStatus.Running, stored.Status);
            Assert.True(await engines[0].SettleAsync(attemptId, Success, null, owner: null, CancellationToken.None));
        }
    }

    [Theory]
    [InlineData("skip")]
    [InlineData("allow")]
    public async Task Two_nodes_recording_the_same_schedule_fire_make_one_run(string overlap)
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var first = WebNode(connectionString, "web-1");
        await using var second = WebNode(connectionString, "web-2");
        var engines = new[] { first.Services.GetRequiredService<RunEngine>(), second.Services.GetRequiredService<RunEngine>() };
        using var admin = Acting.AsAdmin();
        var jobId = await CreateJobAsync(first, "nightly", overlap);
        var due = new DateTimeOffset(2026, 6, 1, 2, 0, 0, TimeSpan.Zero);
        for (var round = 0; round < Rounds; round++)
        {
            var fire = due.AddDays(round);
            var runs = await Task.WhenAll(engines.Select(engine => Task.Run(() =>
                engine.TriggerAsync([new TriggerRequest(jobId, TriggerKind.Schedule, FireAt: fire)], CancellationToken.None))));

            Assert.Single(runs, r => r[0] is not null);
            Assert.Equal(round + 1, await QueryAsync(first, db => db.Runs.CountAsync(r => r.JobId == jobId && r.Trigger == TriggerKind.Schedule)));
            await EndPendingRunsAsync(first, engines[0], jobId);
        }
    }

    [Fact]
    public async Task A_transaction_holding_one_job_does_not_hold_up_another_job()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var factory = WebNode(connectionString, "web-1");
        var engine = factory.Services.GetRequiredService<RunEngine>();
        using var admin = Acting.AsAdmin();
        var held = await CreateJobAsync(factory, "held");
        var free = await CreateJobAsync(factory, "free");

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var lockHeld = new NpgsqlCommand($"SELECT 1 FROM jobs WHERE \"Id\" = {held} FOR UPDATE", connection, transaction))
        {
            await lockHeld.ExecuteScalarAsync();
        }

        // Each step of the free job finishes while the held job's row stays locked (a wait would time out here).
        var limit = TimeSpan.FromSeconds(30);
        var run = (await engine.TriggerAsync([new TriggerRequest(free, TriggerKind.Manual)], CancellationToken.None).WaitAsync(limit))[0]!;
        var attemptId = await QueryAsync(factory, db => db.Attempts.Where(a => a.RunId == run.Id).Select(a => a.Id).SingleAsync());
        Assert.NotNull((await engine.ClaimAsync(attemptId, CancellationToken.None).WaitAsync(limit)).Claimed);
        Assert.True(await engine.SettleAsync(attemptId, Success, null, engine.NodeName, CancellationToken.None).WaitAsync(limit));

        // The held job's trigger waits for the lock, and goes on once it is let go.
        var waiting = engine.TriggerAsync([new TriggerRequest(held, TriggerKind.Manual)], CancellationToken.None);
        await WaitForLockWaitAsync(connectionString);
        Assert.False(waiting.IsCompleted);
        await transaction.RollbackAsync();
        Assert.NotNull((await waiting.WaitAsync(limit))[0]);
    }

    [Fact]
    public async Task Manual_runs_of_an_Allow_job_without_upstream_do_not_wait_for_its_row_but_its_fires_do()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var factory = WebNode(connectionString, "web-1");
        var engine = factory.Services.GetRequiredService<RunEngine>();
        using var admin = Acting.AsAdmin();
        var jobId = await CreateJobAsync(factory, "parallel", "allow");

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var lockHeld = new NpgsqlCommand($"SELECT 1 FROM jobs WHERE \"Id\" = {jobId} FOR NO KEY UPDATE", connection, transaction))
        {
            await lockHeld.ExecuteScalarAsync();
        }

        // Held as an edit of the job holds it. Nothing a manual run of the job decides depends on another transaction:
        // each makes its own run meanwhile.
        var limit = TimeSpan.FromSeconds(30);
        var manual = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
            engine.TriggerAsync([new TriggerRequest(jobId, TriggerKind.Manual)], CancellationToken.None).WaitAsync(limit))));
        Assert.Equal(4, manual.Select(r => r[0]!.Id).Distinct().Count());

        // A fire is recorded once, so it waits for the row.
        var fire = engine.TriggerAsync([new TriggerRequest(jobId, TriggerKind.Schedule, FireAt: new DateTimeOffset(2026, 6, 1, 2, 0, 0, TimeSpan.Zero))], CancellationToken.None);
        await WaitForLockWaitAsync(connectionString);
        Assert.False(fire.IsCompleted);
        await transaction.RollbackAsync();
        Assert.NotNull((await fire.WaitAsync(limit))[0]);
    }

    private static async Task<int> CreateJobAsync(EtlWebFactory factory, string name, string overlap = "skip")
    {
        using var client = factory.CreateClient();
        var document = JobsClient.ShellJob(name);
        document["overlap_policy"] = overlap;
        return (await client.CreateJobAsync(document)).Id!.Value;
    }

    /// <summary>Triggers the job and returns its run's queued attempt.</summary>
    private static async Task<long> QueuedAttemptAsync(EtlWebFactory factory, RunEngine engine, int jobId)
    {
        var run = (await engine.TriggerAsync([new TriggerRequest(jobId, TriggerKind.Manual)], CancellationToken.None))[0]!;
        Assert.Equal(RunStatus.Queued, run.Status);
        return await QueryAsync(factory, db => db.Attempts.Where(a => a.RunId == run.Id).Select(a => a.Id).SingleAsync());
    }

    /// <summary>Cancels the job's queued runs, so the next fire makes a run of its own instead of joining one.</summary>
    private static async Task EndPendingRunsAsync(EtlWebFactory factory, RunEngine engine, int jobId)
    {
        var pending = await QueryAsync(factory, db => db.Runs.Where(r => r.JobId == jobId && r.Status == RunStatus.Queued).Select(r => r.Id).ToListAsync());
        foreach (var runId in pending)
        {
            Assert.Equal(CancelOutcome.Cancelled, await engine.CancelAsync(runId, CancellationToken.None));
        }
    }

    /// <summary>Waits until some session of the database waits for a row lock (the engine's, queued behind the test's).</summary>
    private static async Task WaitForLockWaitAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", connection);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while ((long)(await command.ExecuteScalarAsync(timeout.Token))! == 0)
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    private static async Task<T> QueryAsync<T>(EtlWebFactory factory, Func<EtlDbContext, Task<T>> query)
    {
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<EtlDbContext>>().CreateDbContextAsync();
        return await query(db);
    }
}
