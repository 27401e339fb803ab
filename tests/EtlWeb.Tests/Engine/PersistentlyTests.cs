using EtlWeb.Orchestration;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace EtlWeb.Tests.Engine;

public sealed class PersistentlyTests
{
    public static TheoryData<Exception, bool> Errors() => new()
    {
        { new SqliteException("database or disk is full", 13), true },
        { new TimeoutException(), true },
        { new InvalidOperationException("transient", new SqliteException("gone", 1)), true },
        { new DbUpdateException("save failed", new SqliteException("database or disk is full", 13)), true },
        { new DbUpdateConcurrencyException("another writer won"), false },
        { new InvalidOperationException("a bug"), false },
        { new ArgumentException("bad input"), false },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void An_outage_is_told_from_a_conflict_or_a_bug(Exception error, bool outage) =>
        Assert.Equal(outage, Persistently.IsOutage(error));

    [Fact]
    public async Task Work_is_tried_again_after_growing_pauses_until_it_succeeds_and_the_first_failure_is_told_once()
    {
        var time = new FakeTimeProvider();
        var start = time.GetUtcNow();
        var tries = new List<int>();
        var told = new List<Exception>();
        var work = Task.Run(() => Persistently.RunAsync(
            before =>
            {
                tries.Add(before);
                return before < 3 ? throw new TimeoutException() : Task.FromResult("stored");
            },
            told.Add,
            time,
            CancellationToken.None));

        while (!work.IsCompleted)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(1);
        }

        Assert.Equal("stored", await work);
        Assert.Equal([0, 1, 2, 3], tries);
        Assert.Single(told);

        // Pauses of 0.5, 1 and 2 s: a fixed pause would have been done after 1.5 s.
        Assert.True(time.GetUtcNow() - start >= TimeSpan.FromSeconds(3.5));
    }

    [Fact]
    public async Task A_conflict_is_not_retried_and_stopping_ends_the_retries()
    {
        var conflict = Persistently.RunAsync<int>(_ => throw new DbUpdateConcurrencyException("won"), _ => { }, new FakeTimeProvider(), CancellationToken.None);
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => conflict);

        using var stopping = new CancellationTokenSource();
        var outage = Persistently.RunAsync<int>(_ => throw new TimeoutException(), _ => stopping.Cancel(), new FakeTimeProvider(), stopping.Token);
        await Assert.ThrowsAnyAsync<Exception>(() => outage);
    }
}
