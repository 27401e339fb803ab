namespace EtlWeb.Core.Runs;

/// <summary>A run of an upstream job that a waiting run waits for: its job, where it is, and since when.</summary>
public sealed record UpstreamActivity(string Job, RunStatus Status, DateTimeOffset Since);

/// <summary>A queued attempt as the wait reason reads it: its number (1 = the first try) and when it may start.</summary>
public sealed record QueuedAttempt(int Number, DateTimeOffset? NotBefore);

/// <summary>Everything the sentence for a run not yet running reads.</summary>
/// <param name="Reason">The run's stored reason: what the last decision of a waiting run found.</param>
/// <param name="Upstreams">The upstream runs it waits for that have not ended yet.</param>
/// <param name="Attempt">For a queued run, or a running one between attempts, its queued attempt.</param>
/// <param name="MaxRetries">The job's retries, for "retry 2 of 3".</param>
/// <param name="Busy">Attempts running now across the cluster.</param>
/// <param name="Workers">Worker slots of the live nodes.</param>
/// <param name="Pool">For a job in a pool, the pool's use now.</param>
public sealed record WaitFacts(
    RunStatus Status, string? Reason, IReadOnlyList<UpstreamActivity> Upstreams, QueuedAttempt? Attempt, int MaxRetries, int Busy, int Workers, Jobs.PoolUse? Pool = null);

/// <summary>Why a run is not running yet, as one sentence for people (the run list, the run page, the designer, the API).</summary>
public static class WaitReasons
{
    /// <summary>
    /// Null for a run that has ended, or is running an attempt; a running run between attempts (its retry queued) says
    /// when the retry may start.
    /// </summary>
    public static string? Sentence(WaitFacts facts, DateTimeOffset now, Func<DateTimeOffset, string> time)
    {
        if (facts.Status == RunStatus.Running && facts.Attempt is null)
        {
            return null;
        }

        switch (facts.Status)
        {
            case RunStatus.Waiting when facts.Upstreams.Count > 0:
                return "waiting for " + string.Join(", ", facts.Upstreams.Select(u => $"{u.Job} ({Word(u.Status)} since {time(u.Since)})"));
            case RunStatus.Waiting:
                return string.IsNullOrEmpty(facts.Reason) ? "waiting to be started" : facts.Reason;
            case RunStatus.Queued or RunStatus.Running when facts.Attempt is { NotBefore: { } notBefore } attempt && notBefore > now:
                return attempt.Number > 1
                    ? $"waiting until {time(notBefore)} (retry {attempt.Number - 1} of {Math.Max(facts.MaxRetries, attempt.Number - 1)})"
                    : $"waiting until {time(notBefore)}";
            case RunStatus.Queued or RunStatus.Running when facts.Pool is { HasRoom: false } pool:
                return pool.Needs > 1
                    ? $"waiting for pool {pool.Name}: {pool.Used} of {pool.Slots} slots in use, it needs {pool.Needs}"
                    : $"waiting for pool {pool.Name}: {pool.Used} of {pool.Slots} slots in use";
            case RunStatus.Queued or RunStatus.Running when facts.Busy >= facts.Workers:
                return $"queued: {facts.Busy} of {facts.Workers} workers busy";
            case RunStatus.Queued or RunStatus.Running:
                return $"queued: a worker takes it next ({facts.Busy} of {facts.Workers} workers busy)";
            default:
                return null;
        }
    }

    private static string Word(RunStatus status) => status switch
    {
        RunStatus.Running => "running",
        RunStatus.Queued => "queued",
        _ => "waiting",
    };
}
