using System.Collections.Concurrent;
using System.Reflection;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;

namespace EtlWeb.Orchestration;

/// <summary>
/// Hands attempts to Hangfire: at once, or as a delayed job for a retry. A delayed job is also watched by a timer in
/// this process that moves it to the queue at its due instant, so a retry starts on time without Hangfire polling its
/// delayed jobs often; Hangfire's own poll (every 15 s) only moves the delayed jobs of a process that stopped. A
/// pre-staged fire's attempt stays in this process until its due instant, when the attempts due then go to the queue
/// together; if the process stops first, the restart's recovery queues it (it is Queued in the database).
/// </summary>
public sealed class RunQueue(IBackgroundJobClient client, QueueWakeUp wakeUp, TimeProvider time, ILogger<RunQueue> logger) : IDisposable
{
    public const string QueueName = "etlweb";

    // The job is built from the method itself, not from a lambda: Hangfire evaluates a lambda's captured
    // arguments by compiling an expression, which costs a JIT compilation on every enqueue.
    private static readonly MethodInfo Execute = typeof(AttemptExecutor).GetMethod(nameof(AttemptExecutor.ExecuteAsync))!;

    /// <summary>The longest a timer here waits; a later delayed job is left to Hangfire's poll.</summary>
    private static readonly TimeSpan LongestTimer = TimeSpan.FromDays(1);

    private readonly ConcurrentDictionary<string, ITimer> _due = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, string> _handed = new();
    private readonly Dictionary<DateTimeOffset, (ITimer Timer, List<long> Attempts)> _at = [];
    private TaskCompletionSource _activity = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next attempt handed to Hangfire by this process (read it before looking at the queue).</summary>
    public Task Activity => Volatile.Read(ref _activity).Task;

    public void Enqueue(long attemptId)
    {
        _handed[attemptId] = client.Create(JobFor(attemptId), new EnqueuedState(QueueName));
        wakeUp.WakeSoon();
        Signal();
    }

    public void Schedule(long attemptId, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Enqueue(attemptId);
            return;
        }

        var jobId = client.Create(JobFor(attemptId), new ScheduledState(delay));
        _handed[attemptId] = jobId;
        Signal();
        if (delay > LongestTimer)
        {
            return;
        }

        // Registered before it is armed: a timer that fires at once still finds itself to remove.
        var timer = time.CreateTimer(_ => EnqueueDue(jobId), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _due[jobId] = timer;
        timer.Change(delay, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Hands the attempt to the queue at <paramref name="due"/>, with every other attempt due at that instant.</summary>
    public void EnqueueAt(long attemptId, DateTimeOffset due)
    {
        var delay = due - time.GetUtcNow();
        if (delay <= TimeSpan.Zero || delay > LongestTimer)
        {
            // Due already, or so far ahead (a fire made by hand for a distant instant) that Hangfire keeps it.
            Schedule(attemptId, delay);
            return;
        }

        lock (_at)
        {
            if (!_at.TryGetValue(due, out var batch))
            {
                batch = (time.CreateTimer(_ => EnqueueBatch(due), null, delay, Timeout.InfiniteTimeSpan), []);
                _at[due] = batch;
            }

            batch.Attempts.Add(attemptId);
        }

        Signal();
    }

    private void EnqueueBatch(DateTimeOffset due)
    {
        (ITimer Timer, List<long> Attempts) batch;
        lock (_at)
        {
            if (!_at.Remove(due, out batch))
            {
                return;
            }
        }

        batch.Timer.Dispose();
        foreach (var attemptId in batch.Attempts)
        {
            try
            {
                Enqueue(attemptId);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Attempt {AttemptId} could not be handed to the queue at its due time; the queue watchdog hands it again", attemptId);
            }
        }
    }

    /// <summary>Moves a delayed job to the queue if it is still waiting (not moved by Hangfire's poll or deleted meanwhile).</summary>
    private void EnqueueDue(string jobId)
    {
        if (_due.TryRemove(jobId, out var timer))
        {
            timer.Dispose();
        }

        try
        {
            if (client.ChangeState(jobId, new EnqueuedState(QueueName), ScheduledState.StateName))
            {
                wakeUp.WakeSoon();
            }
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Delayed job {JobId} could not be moved to the queue at its due time; Hangfire's own poll moves it", jobId);
        }
    }

    /// <summary>
    /// The Hangfire job this process last handed the attempt to, until its delivery ran the claim: for the queue
    /// watchdog, which then reads that one job instead of Hangfire's whole lists. Unknown for an attempt queued by
    /// another node or before this process started.
    /// </summary>
    public bool TryGetHandedJob(long attemptId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? jobId) =>
        _handed.TryGetValue(attemptId, out jobId);

    /// <summary>
    /// The attempt's delivery has run its claim: the Hangfire job <paramref name="jobId"/> it came from (as read before the
    /// claim) is done with. A job the claim handed the attempt to meanwhile stays known.
    /// </summary>
    public void Delivered(long attemptId, string? jobId)
    {
        if (jobId is not null)
        {
            _handed.TryRemove(new KeyValuePair<long, string>(attemptId, jobId));
        }
    }

    private void Signal() => Interlocked.Exchange(ref _activity, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    private static Job JobFor(long attemptId) => new(typeof(AttemptExecutor), Execute, [attemptId, CancellationToken.None], QueueName);

    public void Dispose()
    {
        foreach (var timer in _due.Values)
        {
            timer.Dispose();
        }

        _due.Clear();
        lock (_at)
        {
            foreach (var (timer, _) in _at.Values)
            {
                timer.Dispose();
            }

            _at.Clear();
        }
    }
}
