using System.Text.Json;
using System.Text.Json.Nodes;
using EtlWeb.Configuration;
using EtlWeb.Core.Jobs;
using EtlWeb.Core.Runs;
using EtlWeb.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EtlWeb.Orchestration;

/// <summary>An attempt this node claimed: it, its run, and the job definition the run was created with.</summary>
public sealed record ClaimedAttempt(Attempt Attempt, Run Run, Job Job);

/// <summary>How an attempt ended.</summary>
public sealed record AttemptOutcome(RunStatus Status, int? ExitCode, string Message);

/// <summary>What happens next after an attempt ended: a retry (with its delay) or the run's final status.</summary>
public sealed record AttemptSettled(Run Run, Attempt? Retry, TimeSpan RetryDelay);

/// <summary>
/// The app DB side of runs and attempts: creating, claiming (an atomic compare-and-set, so a second delivery
/// of the same Hangfire job starts no second process), finishing, and the retry decision.
/// </summary>
public sealed class RunLedger(IDbContextFactory<EtlDbContext> dbFactory, TimeProvider time, IOptions<NodeOptions> node)
{
    public string NodeName => node.Value.EffectiveName;

    /// <summary>
    /// The job as the run will execute it, without the values of its secret variables: a run row is never
    /// encrypted, so secrets stay only in the job's encrypted column and are read back when an attempt starts.
    /// The run's own <paramref name="input"/> (a webhook's <c>ETL_HOOK_*</c> variables) is added to the environment
    /// and wins over a job variable of the same name, secret or not, as that prefix is reserved for it.
    /// </summary>
    public static string Snapshot(Job job, IReadOnlyDictionary<string, string>? input = null)
    {
        input ??= new Dictionary<string, string>();
        if (job.SecretEnvironment.Count == 0 && input.Count == 0)
        {
            return JsonSerializer.Serialize(job);
        }

        var snapshot = JsonSerializer.SerializeToNode(job)!.AsObject();
        var environment = snapshot[nameof(Job.Environment)]!.AsObject();
        foreach (var name in job.SecretEnvironment)
        {
            environment.Remove(name);
        }

        foreach (var (name, value) in input)
        {
            environment[name] = value;
        }

        if (job.SecretEnvironment.Any(input.ContainsKey))
        {
            // Else the attempt would read the job's secret value back over the input.
            snapshot[nameof(Job.SecretEnvironment)] = new JsonArray([.. job.SecretEnvironment.Where(n => !input.ContainsKey(n)).Select(n => JsonValue.Create(n))]);
        }

        return snapshot.ToJsonString();
    }

    public static Job FromSnapshot(string snapshot) => JsonSerializer.Deserialize<Job>(snapshot)!;

    /// <summary>
    /// Claims a queued attempt for this node, or null when it was claimed, cancelled or removed already, is not due
    /// yet, or its job is disabled (see <see cref="EndIfJobDisabledAsync"/>).
    /// </summary>
    public async Task<ClaimedAttempt?> ClaimAsync(long attemptId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var claimed = await db.Attempts
            .Where(a => a.Id == attemptId && a.Status == RunStatus.Queued && (a.NotBefore == null || a.NotBefore <= now))
            .Where(a => db.Runs.Any(r => r.Id == a.RunId && !r.CancelRequested && (r.Status == RunStatus.Queued || r.Status == RunStatus.Running)
                && db.Jobs.Any(j => j.Id == r.JobId && j.Enabled)))
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, RunStatus.Running).SetProperty(a => a.StartedAt, now).SetProperty(a => a.Node, NodeName), cancellationToken);
        if (claimed == 0)
        {
            return null;
        }

        var (attempt, run) = await LoadAsync(db, attemptId, cancellationToken);
        if (run.Status == RunStatus.Queued)
        {
            run.Status = RunStatus.Running;
            run.StartedAt = now;
            run.Reason = null;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        var job = FromSnapshot(run.DefinitionSnapshot);
        await AddSecretValuesAsync(db, run.JobId, job, cancellationToken);
        return new ClaimedAttempt(attempt, run, job);
    }

    /// <summary>
    /// Ends a queued attempt whose job was disabled after it was queued (a pending run, the retry of an older run): no
    /// process starts. The run ends Skipped if nothing of it ran yet, else Cancelled. Null when the attempt is not
    /// queued or its job is enabled.
    /// </summary>
    public async Task<Run?> EndIfJobDisabledAsync(long attemptId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var (attempt, run) = await LoadAsync(db, attemptId, cancellationToken);
        var job = await db.Jobs.Where(j => j.Id == run.JobId).Select(j => new { j.Name, j.Enabled }).FirstOrDefaultAsync(cancellationToken);
        if (attempt.Status != RunStatus.Queued || run.Status.IsTerminal() || job is null || job.Enabled)
        {
            return null;
        }

        var started = run.StartedAt is not null;
        var reason = started
            ? $"Cancelled: job '{job.Name}' was disabled before attempt {attempt.Number} started."
            : $"Skipped: job '{job.Name}' was disabled before the run started.";
        attempt.Status = RunStatus.Cancelled;
        attempt.FinishedAt = now;
        attempt.Message = reason;
        run.Status = started ? RunStatus.Cancelled : RunStatus.Skipped;
        run.FinishedAt = now;
        run.Reason = reason;
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return run;
    }

    /// <summary>When a retry may start. Hangfire keeps due times in whole seconds and may deliver it a little early.</summary>
    public async Task<DateTimeOffset?> NotBeforeAsync(long attemptId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Attempts.Where(a => a.Id == attemptId).Select(a => a.NotBefore).FirstOrDefaultAsync(cancellationToken);
    }

    public async Task RecordProcessAsync(long attemptId, int processGroupId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Attempts.Where(a => a.Id == attemptId)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.ProcessGroupId, processGroupId), cancellationToken);
    }

    /// <summary>
    /// Ends an attempt and decides what follows: another attempt after the retry delay, or the run's end. Null when the
    /// attempt is no longer running on <paramref name="owner"/> (another node settled it after taking this one for lost);
    /// a null owner settles it wherever it ran (one node: a restart may have renamed it).
    /// </summary>
    public async Task<AttemptSettled?> SettleAsync(long attemptId, AttemptOutcome outcome, LogTotals? log, CancellationToken cancellationToken, string? owner = null)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var (attempt, run) = await LoadAsync(db, attemptId, cancellationToken);
        if (attempt.Status != RunStatus.Running || (owner is not null && attempt.Node != owner))
        {
            return null;
        }

        attempt.Status = outcome.Status;
        attempt.ExitCode = outcome.ExitCode;
        attempt.Message = outcome.Message;
        attempt.FinishedAt = now;
        if (log is not null)
        {
            attempt.LogLines = log.Lines;
            attempt.LogBytes = log.Bytes;
            attempt.LogTruncated = log.Truncated;
        }

        var job = FromSnapshot(run.DefinitionSnapshot);
        Attempt? retry = null;
        var delay = TimeSpan.Zero;
        var retriable = outcome.Status is RunStatus.Failed or RunStatus.TimedOut or RunStatus.Interrupted;
        if (retriable && attempt.Number <= job.MaxRetries && !run.CancelRequested)
        {
            delay = RetryDelay(job, attempt.Number);
            retry = NewAttempt(attempt.Number + 1, now + delay);
            retry.RunId = run.Id;
            db.Attempts.Add(retry);
            run.Reason = $"Attempt {attempt.Number} {Describe(outcome.Status)}; retry {attempt.Number} of {job.MaxRetries} at {now + delay:O}.";
        }
        else
        {
            run.Status = run.CancelRequested && outcome.Status != RunStatus.Succeeded ? RunStatus.Cancelled : outcome.Status;
            run.FinishedAt = now;
            run.Reason = outcome.Status == RunStatus.Succeeded ? null : outcome.Message;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new AttemptSettled(run, retry, delay);
    }

    /// <summary>The secret values as the job holds them now (decrypted on load); a secret the job no longer has stays unset.</summary>
    private static async Task AddSecretValuesAsync(EtlDbContext db, int jobId, Job job, CancellationToken cancellationToken)
    {
        if (job.SecretEnvironment.Count == 0
            || await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId, cancellationToken) is not { } current)
        {
            return;
        }

        foreach (var name in job.SecretEnvironment)
        {
            if (current.Environment.TryGetValue(name, out var value))
            {
                job.Environment[name] = value;
            }
        }
    }

    /// <summary>An attempt and its run, both tracked, in one query.</summary>
    private static async Task<(Attempt Attempt, Run Run)> LoadAsync(EtlDbContext db, long attemptId, CancellationToken cancellationToken)
    {
        // Joined from the attempt's primary key: a filter on the run side would scan the runs table.
        var pair = await db.Attempts.Where(a => a.Id == attemptId)
            .Join(db.Runs, a => a.RunId, r => r.Id, (a, r) => new { Attempt = a, Run = r })
            .SingleAsync(cancellationToken);
        return (pair.Attempt, pair.Run);
    }

    /// <summary>The delay before retry number <paramref name="failedAttempt"/>: the job's delay times backoff^(n-1).</summary>
    public static TimeSpan RetryDelay(Job job, int failedAttempt) =>
        TimeSpan.FromSeconds(job.RetryDelaySeconds * Math.Pow(job.RetryBackoff, failedAttempt - 1));

    private static Attempt NewAttempt(int number, DateTimeOffset? notBefore) => new()
    {
        Number = number,
        Status = RunStatus.Queued,
        Marker = Guid.NewGuid().ToString("N"),
        NotBefore = notBefore,
    };

    private static string Describe(RunStatus status) => status switch
    {
        RunStatus.TimedOut => "timed out",
        RunStatus.Interrupted => "was interrupted",
        _ => "failed",
    };
}
