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
    RunEngine engine,
    RunningAttempts running,
    RunBroadcaster broadcaster,
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
        using var system = CurrentActor.AsSystem();
        var claim = await engine.ClaimAsync(attemptId, CancellationToken.None);
        while (claim.DueIn is { } early)
        {
            // Delivered before its retry delay is over (Hangfire keeps due times in whole seconds): wait it out.
            await Task.Delay(early + TimeSpan.FromMilliseconds(1), time, CancellationToken.None);
            claim = await engine.ClaimAsync(attemptId, CancellationToken.None);
        }

        if (claim.Claimed is not var (attempt, run, job))
        {
            logger.LogInformation("Attempt {AttemptId} was claimed, cancelled or removed already, or its job is disabled; nothing runs", attemptId);
            return;
        }

        using var scope = logger.BeginScope(new Dictionary<string, object> { ["RunId"] = run.Id, ["AttemptId"] = attemptId });
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
            outcome = new AttemptOutcome(AttemptStatus.Failed, null, "EtlWeb could not run the attempt: " + ex.Message);
            totals = null;
        }
        finally
        {
            running.Unregister(run.Id);
        }

        logger.LogInformation("Attempt {Number} of run {RunId} ended {Status}: {Message}", attempt.Number, run.Id, outcome.Status, outcome.Message);
        if (!await engine.SettleAsync(attemptId, outcome, totals, engine.NodeName, CancellationToken.None))
        {
            logger.LogWarning("Attempt {AttemptId} of run {RunId} was settled by another node while this one was taken for lost; its outcome here is dropped", attemptId, run.Id);
        }
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
            return new AttemptOutcome(AttemptStatus.Failed, null, error);
        }

        // The plan's error is masked already; from here on every line this method writes goes through the job's secrets.
        var secrets = plan.Spec.Secrets;
        log.System(secrets.Mask($"Attempt {attempt.Number} started on {engine.NodeName}: {plan.Spec.FileName} {string.Join(' ', plan.Spec.Arguments)}"));
        RunningProcess process;
        try
        {
            process = ProcessLauncher.Start(plan.Spec, log, time);
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            var failure = secrets.Mask("The process could not be started: " + ex.Message);
            log.System(failure);
            return new AttemptOutcome(AttemptStatus.Failed, null, failure);
        }

        await using (process)
        {
            await engine.RecordProcessAsync(attempt.Id, process.Pid, CancellationToken.None);
            using var timeout = new CancellationTokenSource();
            var timeoutTask = job.TimeoutSeconds > 0
                ? Task.Delay(TimeSpan.FromSeconds(job.TimeoutSeconds), time, timeout.Token)
                : Task.Delay(Timeout.Infinite, timeout.Token);
            var shutdown = Task.Delay(Timeout.Infinite, stopping);
            var first = await Task.WhenAny(process.Completion, timeoutTask, stopRequested, shutdown);
            await timeout.CancelAsync();
            var disowned = first == stopRequested && stopRequested.Result == StopRequest.Disown;
            var stoppedAs = first == process.Completion ? (AttemptStatus?)null
                : first == stopRequested ? disowned ? AttemptStatus.Interrupted : AttemptStatus.Cancelled
                : first == shutdown ? AttemptStatus.Interrupted
                : AttemptStatus.TimedOut;
            if (stoppedAs is { } status)
            {
                var why = status switch
                {
                    AttemptStatus.Cancelled => "Cancelled",
                    AttemptStatus.Interrupted when disowned => $"Interrupted: {engine.NodeName} was taken for lost and another node settled this attempt",
                    AttemptStatus.Interrupted => $"Interrupted: EtlWeb is shutting down and the attempt did not finish within the {limits.ShutdownGraceSeconds} s grace",
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
                ? new AttemptOutcome(AttemptStatus.Succeeded, 0, "exit code 0")
                : new AttemptOutcome(AttemptStatus.Failed, exitCode, $"exit code {exitCode}");
        }
    }
}
