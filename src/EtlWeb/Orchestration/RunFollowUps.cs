using EtlWeb.Core.Runs;
using EtlWeb.Metrics;
using EtlWeb.Realtime;

namespace EtlWeb.Orchestration;

/// <summary>What one engine transaction changed, gathered while it runs and acted on once it has committed.</summary>
public sealed class EngineChanges
{
    private readonly List<(Run Run, Attempt Attempt)> _started = [];
    private readonly List<Run> _changed = [];

    public IReadOnlyList<(Run Run, Attempt Attempt)> StartedAttempts => _started;

    public IReadOnlyList<Run> ChangedRuns => _changed;

    /// <summary>A run was queued with its first attempt: the attempt goes to the workers, the change to the pages.</summary>
    public void Started(Run run, Attempt attempt)
    {
        _started.Add((run, attempt));
        _changed.Add(run);
    }

    public void Changed(Run run) => _changed.Add(run);
}

/// <summary>
/// What follows a committed transition, done once and never under a transaction: queued attempts go to Hangfire (its
/// enqueue is a slow write), changes go to the pages through the broadcaster (and to other nodes through the bus),
/// and to the metrics, which count each committed transition here once.
/// </summary>
public sealed class RunFollowUps(RunQueue queue, RunBroadcaster broadcaster, EtlMetrics metrics, QueueWaits waits, TimeProvider time)
{
    public void Dispatch(EngineChanges changes)
    {
        // A duplicate delivery is refused by the claim. Noted as queued first: a worker may start one at once. A
        // pre-staged fire's attempt goes to the queue at its due instant, and its queue wait counts from then.
        var now = time.GetUtcNow();
        foreach (var (run, attempt) in changes.StartedAttempts)
        {
            waits.Queue(run.Id, attempt.Id, DueIn(attempt, now));
        }

        foreach (var (_, attempt) in changes.StartedAttempts)
        {
            if (attempt.NotBefore is { } due && due > now)
            {
                queue.EnqueueAt(attempt.Id, due);
            }
            else
            {
                queue.Enqueue(attempt.Id);
            }
        }

        foreach (var run in changes.ChangedRuns)
        {
            var first = run.Attempts.FirstOrDefault();
            broadcaster.Publish(new RunChanged(run.Id, run.JobId, run.Status, first?.Id, run.Attempts.Count, run.BackfillId));
        }

        // A run changed twice in one transaction (a for-each run fanned out and ended) is one change, as it is now.
        foreach (var run in changes.ChangedRuns.Distinct())
        {
            metrics.RunChanged(run, null);
        }
    }

    private static TimeSpan DueIn(Attempt attempt, DateTimeOffset now) => attempt.NotBefore is { } due && due > now ? due - now : TimeSpan.Zero;

    /// <summary>A run's change, with the attempt it is about (the one that started, ended or is due next).</summary>
    public void Publish(Run run, Attempt? attempt)
    {
        broadcaster.Publish(new RunChanged(run.Id, run.JobId, run.Status, attempt?.Id, attempt?.Number ?? 0, run.BackfillId));
        metrics.RunChanged(run, attempt);
    }

    /// <summary>
    /// A retry waits its delay in Hangfire's schedule; the pages hear which attempt is due next. Its queue wait counts
    /// from its due time, noted after that change (which names it already) and before Hangfire may deliver it.
    /// </summary>
    public void ScheduleRetry(Run run, Attempt retry, TimeSpan delay)
    {
        Publish(run, retry);
        waits.Queue(run.Id, retry.Id, delay);
        queue.Schedule(retry.Id, delay);
    }
}
