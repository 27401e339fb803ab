using EtlWeb.Configuration;
using EtlWeb.Core.Execution;
using EtlWeb.Core.Runs;

namespace EtlWeb.Orchestration;

/// <summary>What ends the watch of an attempt early: a cancel or disown, this node's stop; and the limits in force.</summary>
public sealed record Watch(Task<StopRequest> StopRequested, Task Stop, ExecutionOptions Limits);

/// <summary>
/// Watches one attempt's process to its end: the end itself, the timeout (counted from the attempt's start), the stall
/// timeout (no output for a while), the CPU time limit, a cancel or disown, or this node's stop; stops the tree when
/// one of them comes first, and tells the out-of-memory end from any other.
/// </summary>
public sealed class ProcessWatch(TimeProvider time, string nodeName)
{
    /// <summary>The outcome, or null when the process is left running for this node's next start.</summary>
    public async Task<AttemptOutcome?> WatchAsync(ClaimedAttempt claimed, SpooledProcess process, AttemptMeter meter, AttemptSpool spool, SecretMasker secrets, AttemptLog log, Watch watch)
    {
        var (attempt, _, job) = claimed;
        var (stopRequested, stop, limits) = watch;
        await using (process)
        {
            using var over = new CancellationTokenSource();
            var timeoutTask = job.TimeoutSeconds > 0
                ? Task.Delay(Max(TimeSpan.FromSeconds(job.TimeoutSeconds) - (time.GetUtcNow() - (attempt.StartedAt ?? time.GetUtcNow())), TimeSpan.Zero), time, over.Token)
                : Task.Delay(Timeout.Infinite, over.Token);
            var stallTask = job.StallTimeoutSeconds > 0 ? StallAsync(spool, TimeSpan.FromSeconds(job.StallTimeoutSeconds), over.Token) : Task.Delay(Timeout.Infinite, over.Token);
            var limitTask = meter.WatchAsync(process.Pid, time, over.Token);
            var first = await Task.WhenAny(process.Completion, timeoutTask, stallTask, limitTask, stopRequested, stop);
            await over.CancelAsync();
            if (first == stop && limits.StopPolicy != StopPolicy.Kill)
            {
                log.System($"EtlWeb is stopping ({limits.StopPolicy}): the process is left running and {nodeName} follows it on when it starts again.");
                await process.DetachAsync();
                return null;
            }

            var disowned = first == stopRequested && stopRequested.Result == StopRequest.Disown;
            var stoppedAs = first == process.Completion ? (AttemptStatus?)null
                : first == stopRequested ? disowned ? AttemptStatus.Interrupted : AttemptStatus.Cancelled
                : first == stop ? AttemptStatus.Interrupted
                : first == limitTask ? AttemptStatus.Failed
                : AttemptStatus.TimedOut;
            if (stoppedAs is { } status)
            {
                var why = status switch
                {
                    AttemptStatus.Cancelled => "Cancelled",
                    AttemptStatus.Interrupted when disowned => $"Interrupted: {nodeName} was taken for lost and another node settled this attempt",
                    AttemptStatus.Interrupted => $"Interrupted: EtlWeb is shutting down and the attempt did not finish within the {limits.ShutdownGraceSeconds} s grace",
                    AttemptStatus.Failed => limitTask.Result,
                    _ when first == stallTask => $"Stalled: no output for {Duration(job.StallTimeoutSeconds)} (stall timeout)",
                    _ => $"Timed out after {job.TimeoutSeconds} s",
                };
                log.System(secrets.Mask($"{why}: stopping the process tree (SIGTERM, then SIGKILL after {limits.KillGraceSeconds} s)."));
                var survivors = await process.KillTreeAsync(TimeSpan.FromSeconds(limits.KillGraceSeconds), CancellationToken.None);
                var exit = await process.Completion;
                var message = secrets.Mask(survivors.Count == 0 ? why : $"{why}; still alive after SIGKILL: {string.Join(", ", survivors)}");
                log.System(message);
                return new AttemptOutcome(status, exit, message);
            }

            var code = await process.Completion;
            if (code is not 0 && meter.OutOfMemory(code) is { } outOfMemory)
            {
                log.System(outOfMemory);
                return new AttemptOutcome(AttemptStatus.Failed, code, outOfMemory);
            }

            return code switch
            {
                0 => new AttemptOutcome(AttemptStatus.Succeeded, 0, "exit code 0"),
                int failed => new AttemptOutcome(AttemptStatus.Failed, failed, $"exit code {failed}"),
                null => Lost(log),
            };
        }
    }

    /// <summary>"2 s", "5 min": how a stall timeout reads in its reason.</summary>
    public static string Duration(int seconds) => seconds % 60 == 0 ? $"{seconds / 60} min" : $"{seconds} s";

    /// <summary>
    /// Completes once neither output spool grew for <paramref name="stall"/>: growth, not complete lines, counts, so a
    /// progress bar without line ends is output too. Looked at ten times per stall period (at least every 5 s).
    /// </summary>
    private async Task StallAsync(AttemptSpool spool, TimeSpan stall, CancellationToken ct)
    {
        var period = TimeSpan.FromTicks(Math.Clamp(stall.Ticks / 10, TimeSpan.FromMilliseconds(100).Ticks, TimeSpan.FromSeconds(5).Ticks));
        var size = -1L;
        var since = time.GetUtcNow();
        while (true)
        {
            var now = time.GetUtcNow();
            var current = AttemptSpool.LengthOf(spool.StdoutPath) + AttemptSpool.LengthOf(spool.StderrPath);
            if (current != size)
            {
                (size, since) = (current, now);
            }
            else if (now - since >= stall)
            {
                return;
            }

            await Task.Delay(period, time, ct);
        }
    }

    private static AttemptOutcome Lost(AttemptLog log)
    {
        const string message = "Interrupted: the process ended while EtlWeb was down and its supervisor recorded no exit status (it was killed)";
        log.System(message);
        return new AttemptOutcome(AttemptStatus.Interrupted, null, message);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
