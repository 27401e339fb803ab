using EtlWeb.Core.Jobs;

namespace EtlWeb.Core.Runs;

/// <summary>
/// When an attempt that did not succeed is tried again: it failed, timed out or was interrupted, retries remain
/// (<see cref="Job.MaxRetries"/>) and nobody asked to cancel; then after the job's delay times its backoff per retry.
/// </summary>
public static class RetryRules
{
    /// <summary>The wait before the next attempt, or null when the run ends with this one.</summary>
    public static TimeSpan? DelayBeforeRetry(Job job, int attemptNumber, AttemptStatus outcome, bool cancelRequested) =>
        outcome is AttemptStatus.Failed or AttemptStatus.TimedOut or AttemptStatus.Interrupted && attemptNumber <= job.MaxRetries && !cancelRequested
            ? Delay(job, attemptNumber)
            : null;

    /// <summary>The delay before retry number <paramref name="failedAttempt"/>: the job's delay times backoff^(n-1).</summary>
    public static TimeSpan Delay(Job job, int failedAttempt) =>
        TimeSpan.FromSeconds(job.RetryDelaySeconds * Math.Pow(job.RetryBackoff, failedAttempt - 1));

    /// <summary>The run's reason while it waits for its retry.</summary>
    public static string Describe(int attemptNumber, int maxRetries, AttemptStatus outcome, DateTimeOffset due) =>
        $"Attempt {attemptNumber} {Ended(outcome)}; retry {attemptNumber} of {maxRetries} at {due:O}.";

    private static string Ended(AttemptStatus outcome) => outcome switch
    {
        AttemptStatus.TimedOut => "timed out",
        AttemptStatus.Interrupted => "was interrupted",
        _ => "failed",
    };
}
