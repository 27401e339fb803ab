using System.Reflection;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;

namespace EtlWeb.Orchestration;

/// <summary>Hands attempts to Hangfire: at once, or as a delayed job for a retry.</summary>
public sealed class RunQueue(IBackgroundJobClient client, QueueWakeUp wakeUp)
{
    public const string QueueName = "etlweb";

    // The job is built from the method itself, not from a lambda: Hangfire evaluates a lambda's captured
    // arguments by compiling an expression, which costs a JIT compilation on every enqueue.
    private static readonly MethodInfo Execute = typeof(AttemptExecutor).GetMethod(nameof(AttemptExecutor.ExecuteAsync))!;

    public void Enqueue(long attemptId)
    {
        client.Create(JobFor(attemptId), new EnqueuedState(QueueName));
        wakeUp.WakeSoon();
    }

    public void Schedule(long attemptId, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Enqueue(attemptId);
            return;
        }

        client.Create(JobFor(attemptId), new ScheduledState(delay));
    }

    private static Job JobFor(long attemptId) => new(typeof(AttemptExecutor), Execute, [attemptId, CancellationToken.None], QueueName);
}
