using EtlWeb.Configuration;
using EtlWeb.Core.Execution;
using EtlWeb.Core.Runs;
using EtlWeb.Data;
using EtlWeb.Realtime;
using EtlWeb.Security;
using EtlWeb.Settings;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EtlWeb.Orchestration;

/// <summary>
/// The Hangfire job that runs one attempt: claim it, launch the process in its own group, pump its log,
/// enforce timeout and cancel by stopping the whole tree, then settle the attempt (retry or end the run).
/// </summary>
public sealed class AttemptExecutor(
    RunLedger ledger,
    RunQueue queue,
    RunningAttempts running,
    RunBroadcaster broadcaster,
    PipelineCoordinator coordinator,
    IDbContextFactory<EtlDbContext> dbFactory,
    TimeProvider time,
    SettingsStore settings,
    IOptions<EtlWebOptions> etl,
    ClusterBus bus,
    JobBaseEnvironment baseEnvironment,
    ILogger<AttemptExecutor> logger)
{
    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Attempt {0}")]
    public async Task ExecuteAsync(long attemptId, CancellationToken cancellationToken)
    {
        // EtlWeb's engine at work: it acts as itself, explicitly, and whatever it starts from here keeps that.
        using var engine = CurrentActor.AsSystem();
        var claimed = await ledger.ClaimAsync(attemptId, CancellationToken.None);
        while (claimed is null && await ledger.NotBeforeAsync(attemptId, CancellationToken.None) - time.GetUtcNow() is { } early && early > TimeSpan.Zero)
        {
            // Delivered before its retry delay is over (Hangfire keeps due times in whole seconds): wait it out.
            await Task.Delay(early + TimeSpan.FromMilliseconds(1), time, CancellationToken.None);
            claimed = await ledger.ClaimAsync(attemptId, CancellationToken.None);
        }

        if (claimed is null)
        {
            if (await ledger.EndIfJobDisabledAsync(attemptId, CancellationToken.None) is { } ended)
            {
                logger.LogInformation("Attempt {AttemptId} of run {RunId} did not start: {Reason}", attemptId, ended.Id, ended.Reason);
                broadcaster.Publish(new RunChanged(ended.Id, ended.JobId, ended.Status, attemptId, 0));
                await coordinator.EvaluateAfterRunAsync(ended.JobId, CancellationToken.None);
                return;
            }

            logger.LogInformation("Attempt {AttemptId} was already claimed, cancelled or removed; nothing to do", attemptId);
            return;
        }

        var (attempt, run, job) = claimed;
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["RunId"] = run.Id, ["AttemptId"] = attemptId });
        broadcaster.Publish(new RunChanged(run.Id, run.JobId, RunStatus.Running, attemptId, attempt.Number));
        var stopRequested = running.Register(run.Id, attemptId);
        AttemptOutcome outcome;
        LogTotals? totals;
        // Read once per attempt, so a setting saved meanwhile applies from the next attempt on.
        var limits = settings.Current.Execution;
        try
        {
            await using var log = new AttemptLog(attemptId, limits.MaxLogBytesPerAttempt, broadcaster, time, dbFactory, bus.LogStored);
            outcome = await RunProcessAsync(job, attempt, log, stopRequested, limits, cancellationToken);
            totals = await log.CompleteAsync();
        }
        catch (Exception ex)
        {
            // A claimed attempt must always be settled: otherwise it would stay Running until the next restart.
            logger.LogError(ex, "Attempt {AttemptId} failed inside EtlWeb", attemptId);
            outcome = new AttemptOutcome(RunStatus.Failed, null, "EtlWeb could not run the attempt: " + ex.Message);
            totals = null;
        }
        finally
        {
            running.Unregister(run.Id);
        }

        logger.LogInformation("Attempt {Number} of run {RunId} ended {Status}: {Message}", attempt.Number, run.Id, outcome.Status, outcome.Message);
        if (await ledger.SettleAsync(attemptId, outcome, totals, CancellationToken.None, owner: ledger.NodeName) is not { } settled)
        {
            logger.LogWarning("Attempt {AttemptId} of run {RunId} was settled by another node while this one was taken for lost; its outcome here is dropped", attemptId, run.Id);
            return;
        }

        if (settled.Retry is { } retry)
        {
            queue.Schedule(retry.Id, settled.RetryDelay);
            broadcaster.Publish(new RunChanged(run.Id, run.JobId, RunStatus.Running, retry.Id, retry.Number));
            return;
        }

        broadcaster.Publish(new RunChanged(run.Id, run.JobId, settled.Run.Status, attemptId, attempt.Number));
        await coordinator.EvaluateAfterRunAsync(run.JobId, CancellationToken.None);
    }

    /// <param name="stopping">Hangfire's: fires when this node stops and the shutdown grace is over.</param>
    private async Task<AttemptOutcome> RunProcessAsync(Core.Jobs.Job job, Attempt attempt, AttemptLog log, Task<StopRequest> stopRequested, ExecutionOptions limits, CancellationToken stopping)
    {
        var tempDirectory = Path.Combine(etl.Value.FullDataDirectory, "tmp");
        PrivateDirectory.Ensure(tempDirectory);
        using var plan = LaunchPlanner.Plan(job, attempt.Marker, tempDirectory, baseEnvironment.Variables);
        if (plan.Spec is null)
        {
            var error = plan.Error ?? "The attempt could not be prepared.";
            log.System(error);
            return new AttemptOutcome(RunStatus.Failed, null, error);
        }

        // The plan's error is masked already; from here on every line this method writes goes through the job's secrets.
        var secrets = plan.Spec.Secrets;
        log.System(secrets.Mask($"Attempt {attempt.Number} started on {ledger.NodeName}: {plan.Spec.FileName} {string.Join(' ', plan.Spec.Arguments)}"));
        RunningProcess process;
        try
        {
            process = ProcessLauncher.Start(plan.Spec, log, time);
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            var failure = secrets.Mask("The process could not be started: " + ex.Message);
            log.System(failure);
            return new AttemptOutcome(RunStatus.Failed, null, failure);
        }

        await using (process)
        {
            await ledger.RecordProcessAsync(attempt.Id, process.Pid, CancellationToken.None);
            using var timeout = new CancellationTokenSource();
            var timeoutTask = job.TimeoutSeconds > 0
                ? Task.Delay(TimeSpan.FromSeconds(job.TimeoutSeconds), time, timeout.Token)
                : Task.Delay(Timeout.Infinite, timeout.Token);
            var shutdown = Task.Delay(Timeout.Infinite, stopping);
            var first = await Task.WhenAny(process.Completion, timeoutTask, stopRequested, shutdown);
            await timeout.CancelAsync();
            var disowned = first == stopRequested && stopRequested.Result == StopRequest.Disown;
            var stoppedAs = first == process.Completion ? (RunStatus?)null
                : first == stopRequested ? disowned ? RunStatus.Interrupted : RunStatus.Cancelled
                : first == shutdown ? RunStatus.Interrupted
                : RunStatus.TimedOut;
            if (stoppedAs is { } status)
            {
                var why = status switch
                {
                    RunStatus.Cancelled => "Cancelled",
                    RunStatus.Interrupted when disowned => $"Interrupted: {ledger.NodeName} was taken for lost and another node settled this attempt",
                    RunStatus.Interrupted => $"Interrupted: EtlWeb is shutting down and the attempt did not finish within the {limits.ShutdownGraceSeconds} s grace",
                    _ => $"Timed out after {job.TimeoutSeconds} s",
                };
                log.System(secrets.Mask($"{why}: stopping the process tree (SIGTERM, then SIGKILL after {limits.KillGraceSeconds} s)."));
                var survivors = await process.KillTreeAsync(TimeSpan.FromSeconds(limits.KillGraceSeconds), CancellationToken.None);
                var exit = await process.Completion;
                var message = secrets.Mask(survivors.Count == 0 ? why : $"{why}; still alive after SIGKILL: {string.Join(", ", survivors)}");
                log.System(message);
                return new AttemptOutcome(status, exit, message);
            }

            var exitCode = await process.Completion;
            return exitCode == 0
                ? new AttemptOutcome(RunStatus.Succeeded, 0, "exit code 0")
                : new AttemptOutcome(RunStatus.Failed, exitCode, $"exit code {exitCode}");
        }
    }
}
