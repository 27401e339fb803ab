using Hangfire;

namespace EtlWeb.Orchestration;

/// <summary>Hands attempts to Hangfire: at once, or as a delayed job for a retry.</summary>
public sealed class RunQueue(IBackgroundJobClient client, QueueWakeUp wakeUp)
{
    public const string QueueName = "etlweb";

    public void Enqueue(long attemptId)
    {
        client.Create<AttemptExecutor>(e => e.ExecuteAsync(attemptId, CancellationToken.None), new Hangfire.States.EnqueuedState(QueueName));
        wakeUp.WakeSoon();
    }

    public void Schedule(long attemptId, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Enqueue(attemptId);
            return;
        }

        client.Schedule<AttemptExecutor>(QueueName, e => e.ExecuteAsync(attemptId, CancellationToken.None), delay);
    }
}
