using System.Collections.Concurrent;
using EtlWeb.Core.Jobs;
using EtlWeb.Core.Runs;
using EtlWeb.Data;
using EtlWeb.Orchestration;
using EtlWeb.Realtime;
using EtlWeb.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EtlWeb.Tests.Runs;

/// <summary>
/// The engine refuses a transition its lifecycle does not allow, and then changes nothing: the stored run and its
/// attempts stay as they were and nobody hears of a change. Runs are written into a real SQLite file at a fixed "now"
/// (the clock stands still, so no timer of the engine acts on them behind the test's back).
/// </summary>
public sealed class RunEngineTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly AttemptOutcome Success = new(AttemptStatus.Succeeded, 0, "exit code 0");
    private static readonly AttemptOutcome Failure = new(AttemptStatus.Failed, 1, "exit code 1");
    private readonly EtlWebFactory _factory = new() { ConfigureServices = s => s.AddSingleton<TimeProvider>(new FakeTimeProvider(Now)) };
    private readonly ConcurrentQueue<RunChanged> _heard = new();
    private IDisposable? _subscription;
    private IDisposable? _actor;
    private int _jobId;

    private RunEngine Engine => _factory.Services.GetRequiredService<RunEngine>();

    public async Task InitializeAsync()
    {
        using var client = _factory.CreateClient();
        _jobId = (await client.CreateJobAsync(JobsClient.ShellJob("load"))).Id!.Value;
        _subscription = _factory.Services.GetRequiredService<RunBroadcaster>().SubscribeRuns(_heard.Enqueue);
        _actor = Acting.AsAdmin();
    }

    public async Task DisposeAsync()
    {
        _actor?.Dispose();
        _subscription?.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task A_second_settle_of_an_attempt_is_refused()
    {
        var (_, attemptId) = await SeedAsync(RunStatus.Queued);
        Assert.NotNull((await Engine.ClaimAsync(attemptId, CancellationToken.None)).Claimed);
        Assert.True(await Engine.SettleAsync(attemptId, Success, null, Engine.NodeName, CancellationToken.None));
        var before = await StoredAsync(attemptId);
        _heard.Clear();

        Assert.False(await Engine.SettleAsync(attemptId, Failure, null, Engine.NodeName, CancellationToken.None));
        Assert.False(await Engine.SettleAsync(attemptId, Failure, null, owner: null, CancellationToken.None));

        Assert.Equal(RunStatus.Succeeded, before.Status);
        await AssertUnchangedAsync(attemptId, before);
    }

    [Fact]
    public async Task A_claim_after_a_cancel_is_refused()
    {
        var (runId, attemptId) = await SeedAsync(RunStatus.Queued);
        Assert.Equal(CancelOutcome.Cancelled, await Engine.CancelAsync(runId, CancellationToken.None));
        var before = await StoredAsync(attemptId);
        _heard.Clear();

        var claim = await Engine.ClaimAsync(attemptId, CancellationToken.None);

        Assert.Null(claim.Claimed);
        Assert.Equal(RunStatus.Cancelled, before.Status);
        await AssertUnchangedAsync(attemptId, before);
    }

    [Fact]
    public async Task A_cancel_after_the_end_changes_nothing()
    {
        var (runId, attemptId) = await SeedAsync(RunStatus.Failed);
        var before = await StoredAsync(attemptId);

        Assert.Equal(CancelOutcome.AlreadyFinished, await Engine.CancelAsync(runId, CancellationToken.None));

        await AssertUnchangedAsync(attemptId, before);
    }

    [Fact]
    public async Task A_succeeded_attempt_is_never_claimed_again()
    {
        var (_, attemptId) = await SeedAsync(RunStatus.Succeeded);
        var before = await StoredAsync(attemptId);

        Assert.Null((await Engine.ClaimAsync(attemptId, CancellationToken.None)).Claimed);

        await AssertUnchangedAsync(attemptId, before);
    }

    [Fact]
    public async Task A_node_cannot_settle_an_attempt_another_node_runs()
    {
        var (_, attemptId) = await SeedAsync(RunStatus.Running);
        var before = await StoredAsync(attemptId);

        Assert.False(await Engine.SettleAsync(attemptId, Success, null, Engine.NodeName, CancellationToken.None));

        Assert.Equal("test-node", before.Node);
        await AssertUnchangedAsync(attemptId, before);
    }

    private async Task AssertUnchangedAsync(long attemptId, StoredRun before)
    {
        Assert.Equal(before, await StoredAsync(attemptId));
        Assert.Empty(_heard);
    }

    /// <summary>A run of the test's job in <paramref name="status"/>, as the engine would have left it; its run and last attempt.</summary>
    private async Task<(long RunId, long AttemptId)> SeedAsync(RunStatus status)
    {
        await using var db = await DbAsync();
        var job = await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == _jobId);
        var run = SeededRuns.InStatus(_jobId, status, Now.AddMinutes(-5), started: Now.AddMinutes(-4), finished: Now.AddMinutes(-3),
            snapshot: JobSnapshot.Of(job));
        db.Runs.Add(run);
        await db.SaveChangesAsync();
        return (run.Id, run.Attempts.Max(a => a.Id));
    }

    /// <summary>Everything a transition could change of a run and the attempt, as stored.</summary>
    private sealed record StoredRun(
        RunStatus Status, string? Reason, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, bool CancelRequested, int Attempts,
        AttemptStatus AttemptStatus, string? Node, string? Message, DateTimeOffset? AttemptFinishedAt);

    private async Task<StoredRun> StoredAsync(long attemptId)
    {
        await using var db = await DbAsync();
        var attempt = await db.Attempts.AsNoTracking().SingleAsync(a => a.Id == attemptId);
        var run = await db.Runs.AsNoTracking().Include(r => r.Attempts).SingleAsync(r => r.Id == attempt.RunId);
        return new StoredRun(run.Status, run.Reason, run.StartedAt, run.FinishedAt, run.CancelRequested, run.Attempts.Count,
            attempt.Status, attempt.Node, attempt.Message, attempt.FinishedAt);
    }

    private Task<EtlDbContext> DbAsync() => _factory.Services.GetRequiredService<IDbContextFactory<EtlDbContext>>().CreateDbContextAsync();
}
