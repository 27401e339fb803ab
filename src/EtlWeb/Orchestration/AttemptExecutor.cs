using EtlWeb.Configuration;
using EtlWeb.Core.Connections;
using EtlWeb.Core.Execution;
using EtlWeb.Core.Runs;
using EtlWeb.Data;
using EtlWeb.Metrics;
using EtlWeb.Realtime;
using EtlWeb.Security;
using EtlWeb.Settings;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EtlWeb.Orchestration;

/// <summary>
/// Runs one attempt: the Hangfire job claims it and starts its process under a supervisor that outlives EtlWeb; a
/// restarted node adopts the attempts its previous run left (<see cref="AdoptAsync"/>). Either way it follows the
/// spool into the log, enforces timeout and cancel by stopping the whole tree, and settles the attempt (retry or end
/// the run), unless this node stops first and the stop policy leaves the process running for the next start.
/// </summary>
public sealed class AttemptExecutor(
    RunEngine engine, RunQueue queue, RunningAttempts running, RunBroadcaster broadcaster,
    IDbContextFactory<EtlDbContext> dbFactory, TimeProvider time, SettingsStore settings, IOptions<EtlWebOptions> etl,
    ClusterBus bus, JobBaseEnvironment baseEnvironment, ConnectionVault connections, PythonEnvironments pythonEnvironments,
    ResourceAccounting accounting, EtlMetrics metrics, IHostApplicationLifetime lifetime, ILogger<AttemptExecutor> logger)
{
    /// <summary>Where the attempts' spools live, in the data directory: they must survive a restart.</summary>
    public string SpoolRoot => Path.Combine(etl.Value.FullDataDirectory, "spool");

    /// <param name="cancellationToken">Hangfire's: fires when this node stops and the shutdown grace is over.</param>
    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Attempt {0}")]
    public async Task ExecuteAsync(long attemptId, CancellationToken cancellationToken)
    {
        // EtlWeb's engine at work: it acts as itself, explicitly, and whatever it starts from here keeps that.
        using var system = CurrentActor.AsSystem();
        queue.TryGetHandedJob(attemptId, out var handed);
        var claim = await engine.ClaimAsync(attemptId, CancellationToken.None);
        while (claim.DueIn is { } early)
        {
            // Delivered before its retry delay is over (Hangfire keeps due times in whole seconds): wait it out.
            await Task.Delay(early + TimeSpan.FromMilliseconds(1), time, CancellationToken.None);
            claim = await engine.ClaimAsync(attemptId, CancellationToken.None);
        }

        // Forgotten once the claim has run, so an attempt still Queued and unknown here was never handed over here.
        queue.Delivered(attemptId, handed);

        if (claim.Claimed is not { } claimed)
        {
            logger.LogInformation("Attempt {AttemptId} was claimed, cancelled or removed already, or its job is disabled; nothing runs", attemptId);
            return;
        }

        await SuperviseAsync(claimed, adoptedPid: null, cancellationToken);
    }

    /// <summary>
    /// Follows an attempt this node's previous run left running, whose supervisor <paramref name="pid"/> is alive or has
    /// recorded the end: its log goes on from the last stored line, its timeout counts from its start.
    /// </summary>
    /// <param name="graceOver">Fires when this node stops and the shutdown grace is over, as Hangfire's token does.</param>
    public async Task AdoptAsync(ClaimedAttempt adopted, int pid, CancellationToken graceOver)
    {
        using var system = CurrentActor.AsSystem();
        await SuperviseAsync(adopted, pid, graceOver);
    }

    private async Task SuperviseAsync(ClaimedAttempt claimed, int? adoptedPid, CancellationToken graceOver)
    {
        var (attempt, run, job) = claimed;
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["RunId"] = run.Id, ["AttemptId"] = attempt.Id });
        var stopRequested = running.Register(run.Id, attempt.Id);
        var spool = new AttemptSpool(SpoolRoot, attempt.Id);
        AttemptOutcome? outcome;
        LogTotals? totals;
        // Read once per attempt, so a setting saved meanwhile applies from the next attempt on.
        var limits = settings.Current.Execution;
        var meter = accounting.Open(attempt.Id, job.MemoryLimitMb, job.CpuLimitSeconds);
        try
        {
            var resume = adoptedPid is null ? null : LogResume.Of(attempt, spool);
            await using var log = new AttemptLog(attempt.Id, limits.MaxLogBytesPerAttempt, broadcaster, time, new LogChunkWriter(attempt.Id, dbFactory, time, metrics, logger), bus.LogStored, resume);
            // This node's stop reaches the attempt at once to detach it, after the grace to drain or kill. Linked, so the
            // wait is unregistered from the application's token when the attempt ends (one per attempt would pile up).
            using var leaving = CancellationTokenSource.CreateLinkedTokenSource(limits.StopPolicy == StopPolicy.Detach ? lifetime.ApplicationStopping : graceOver);
            var stop = Task.Delay(Timeout.Infinite, leaving.Token);
            var watch = new Watch(stopRequested, stop, limits);
            var measured = new Measured(spool, meter, log, watch);
            outcome = adoptedPid is { } pid
                ? await FollowAdoptedAsync(claimed, pid, resume!, measured)
                : await StartProcessAsync(claimed, measured);
            if (outcome is not null)
            {
                outcome = WithOutputs(outcome, spool, limits, LaunchPlanner.SecretsOf(job), log) with { Usage = meter.Collect(spool.RecordedUsage()) };
            }

            totals = await log.CompleteAsync();
        }
        catch (Exception ex)
        {
            // A claimed attempt must always be settled: otherwise it would stay Running until the next restart.
            logger.LogError(ex, "Attempt {AttemptId} failed inside EtlWeb", attempt.Id);
            outcome = new AttemptOutcome(AttemptStatus.Failed, null, "EtlWeb could not run the attempt: " + ex.Message);
            totals = null;
        }
        finally
        {
            running.Unregister(run.Id);
        }

        if (outcome is null)
        {
            // Left running: its cgroup stays with it, for the next start to read its figures from.
            logger.LogInformation("Attempt {Number} of run {RunId} is left running ({Policy}) for this node's next start", attempt.Number, run.Id, limits.StopPolicy);
            return;
        }

        logger.LogInformation("Attempt {Number} of run {RunId} ended {Status}: {Message}", attempt.Number, run.Id, outcome.Status, outcome.Message);
        if (await SettlePersistentlyAsync(attempt.Id, outcome, totals) is not { } settled)
        {
            // The database stayed away until this node stopped: the spool keeps the exit status for the next start.
            logger.LogWarning("Attempt {AttemptId} of run {RunId} could not be settled before this node stopped; its next start settles it", attempt.Id, run.Id);
            return;
        }

        if (!settled)
        {
            logger.LogWarning("Attempt {AttemptId} of run {RunId} was settled by another node while this one was taken for lost; its outcome here is dropped", attempt.Id, run.Id);
        }

        spool.Delete();
        meter.Release();
    }

    /// <summary>
    /// Settles through a database outage (the outcome is known and must not be lost): true once settled here, false when
    /// another node had settled it, null when this node stopped first.
    /// </summary>
    private async Task<bool?> SettlePersistentlyAsync(long attemptId, AttemptOutcome outcome, LogTotals? totals)
    {
        try
        {
            return await Persistently.RunAsync(
                _ => engine.SettleAsync(attemptId, outcome, totals, engine.NodeName, CancellationToken.None),
                ex => logger.LogWarning(ex, "Attempt {AttemptId} could not be settled; it is tried again until the database answers", attemptId),
                time,
                lifetime.ApplicationStopping);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>The outcome with what the process wrote to ETL_OUTPUT; refused outputs are said in the log.</summary>
    private static AttemptOutcome WithOutputs(AttemptOutcome outcome, AttemptSpool spool, ExecutionOptions limits, SecretMasker secrets, AttemptLog log)
    {
        var read = spool.ReadOutputs(limits.MaxOutputBytesPerAttempt).Masked(secrets.Mask);
        if (read.Error is { } error)
        {
            log.System(error);
        }

        return AttemptOutputs.With(outcome, read);
    }

    private async Task<AttemptOutcome?> StartProcessAsync(ClaimedAttempt claimed, Measured measured)
    {
        var (attempt, _, job) = claimed;
        var (spool, meter, log, _) = measured;
        if (claimed.InputError is { } inputError)
        {
            log.System(inputError);
            return new AttemptOutcome(AttemptStatus.Failed, null, inputError);
        }

        AddUpstream(job, spool, claimed.Upstream);
        if (await PrepareEnvironmentAsync(job, log, measured.Watch) is { } unprepared)
        {
            return unprepared;
        }

        SqlTarget? connection;
        try
        {
            connection = job.Kind == Core.Jobs.JobKind.Sql && job.Connection.Length > 0 ? await connections.OpenAsync(job.Connection, CancellationToken.None) : null;
        }
        catch (InvalidOperationException ex)
        {
            log.System(ex.Message);
            return new AttemptOutcome(AttemptStatus.Failed, null, ex.Message);
        }

        var plan = LaunchPlanner.Plan(job, attempt.Marker, spool.Directory, baseEnvironment.Variables, connection);
        if (plan.Spec is null)
        {
            var error = plan.Error ?? "The attempt could not be prepared.";
            log.System(error);
            return new AttemptOutcome(AttemptStatus.Failed, null, error);
        }

        // The plan's error is masked already; from here on every line this method writes goes through the job's secrets.
        var secrets = plan.Spec.Secrets;
        log.System(secrets.Mask($"Attempt {attempt.Number} started on {engine.NodeName}: {plan.Spec.FileName} {string.Join(' ', plan.Spec.Arguments)}"));
        if (meter.MemoryLimitProblem is { } problem)
        {
            log.System($"The memory limit ({job.MemoryLimitMb} MiB) is not enforced: {problem}");
        }

        SpooledProcess process;
        try
        {
            process = SpooledProcess.Start(plan.Spec, spool, meter.Join, log, time);
            meter.Started = true;
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            var failure = secrets.Mask("The process could not be started: " + ex.Message);
            log.System(failure);
            return new AttemptOutcome(AttemptStatus.Failed, null, failure);
        }

        await engine.RecordProcessAsync(attempt.Id, process.Pid, CancellationToken.None);
        return await new ProcessWatch(time, engine.NodeName).WatchAsync(claimed, process, meter, spool, secrets, log, measured.Watch);
    }

    /// <summary>
    /// Builds the Python environment the job needs, if it needs one not built yet: null once the job may start, else the
    /// attempt's outcome. A cancel or this node's stop ends the build (or the wait for another attempt's build) at once.
    /// </summary>
    private async Task<AttemptOutcome?> PrepareEnvironmentAsync(Core.Jobs.Job job, AttemptLog log, Watch watch)
    {
        using var stopped = CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStopping);
        var prepare = pythonEnvironments.PrepareAsync(job, log.System, stopped.Token);
        if (await Task.WhenAny(prepare, watch.StopRequested) != prepare)
        {
            await stopped.CancelAsync();
        }

        try
        {
            if (await prepare is not { } failure)
            {
                return null;
            }

            log.System(failure);
            return new AttemptOutcome(AttemptStatus.Failed, null, failure);
        }
        catch (OperationCanceledException) when (stopped.IsCancellationRequested)
        {
            var (status, why) = watch.StopRequested is { IsCompletedSuccessfully: true, Result: StopRequest.Cancel }
                ? (AttemptStatus.Cancelled, "Cancelled while its Python environment was being built")
                : (AttemptStatus.Interrupted, "Interrupted while its Python environment was being built: " + (lifetime.ApplicationStopping.IsCancellationRequested ? "EtlWeb is stopping" : $"{engine.NodeName} was taken for lost"));
            log.System(why);
            return new AttemptOutcome(status, null, why);
        }
    }

    /// <summary>
    /// Where the process writes its outputs (ETL_OUTPUT), and what its upstream runs gave: ETL_UP_* per value and all of
    /// them in a JSON file (ETL_UPSTREAM). They win over job variables of the same names.
    /// </summary>
    private static void AddUpstream(Core.Jobs.Job job, AttemptSpool spool, IReadOnlyDictionary<string, IReadOnlyDictionary<string, System.Text.Json.JsonElement>>? upstream)
    {
        upstream ??= UpstreamOutputs.None;
        spool.WriteUpstream(System.Text.Json.JsonSerializer.Serialize(upstream));
        job.Environment[AttemptOutputs.OutputVariable] = spool.OutputPath;
        job.Environment[AttemptOutputs.UpstreamVariable] = spool.UpstreamPath;
        foreach (var (name, value) in AttemptOutputs.Variables(upstream))
        {
            job.Environment[name] = value;
        }
    }

    private async Task<AttemptOutcome?> FollowAdoptedAsync(ClaimedAttempt adopted, int pid, LogResume resume, Measured measured)
    {
        var (spool, meter, log, watch) = measured;
        var secrets = LaunchPlanner.SecretsOf(adopted.Job);
        var state = SpooledProcess.IsAlive(pid, adopted.Attempt.Marker) ? "still running" : "ended while EtlWeb was down";
        log.System($"EtlWeb restarted on {engine.NodeName}: attempt {adopted.Attempt.Number} ({state}) is followed on from line {resume.Lines}.");
        var process = SpooledProcess.Adopt(pid, adopted.Attempt.Marker, spool, resume.From, secrets, log, time);
        meter.Started = true;
        return await new ProcessWatch(time, engine.NodeName).WatchAsync(adopted, process, meter, spool, secrets, log, watch);
    }

    /// <summary>Where an attempt's output goes and how it is measured and watched.</summary>
    private sealed record Measured(AttemptSpool Spool, AttemptMeter Meter, AttemptLog Log, Watch Watch);
}
