using System.Diagnostics;

namespace EtlWeb.Core.Execution;

/// <summary>
/// An attempt's process under its supervisor (<see cref="Supervisor"/>), started by this EtlWeb or adopted from one
/// that stopped: its output is followed from the spool into the log, its end is known from the supervisor's record.
/// </summary>
public sealed class SpooledProcess : IAsyncDisposable
{
    /// <summary>How often an adopted process is looked at: EtlWeb is not its parent, so nothing tells it of the end.</summary>
    private static readonly TimeSpan AdoptedPoll = TimeSpan.FromMilliseconds(100);

    private readonly string marker;
    private readonly CancellationTokenSource detach;
    private readonly Task following;
    private readonly Process? started;

    private SpooledProcess(int pid, string marker, Process? started, Task ended, Task following, Func<int?> exitCode, CancellationTokenSource detach)
    {
        Pid = pid;
        this.marker = marker;
        this.started = started;
        this.following = following;
        this.detach = detach;
        Completion = CompleteAsync(ended, following, exitCode);
    }

    /// <summary>The supervisor's pid, which is also the process group of the attempt (it leads a session of its own).</summary>
    public int Pid { get; }

    /// <summary>
    /// Once the process ended and its output was read: its exit code (128 + signal when a signal ended it), or null when
    /// it ended without a recorded status (its supervisor was killed while EtlWeb was not its parent).
    /// </summary>
    public Task<int?> Completion { get; }

    /// <summary>
    /// Starts the job of <paramref name="spec"/> under a supervisor writing to <paramref name="spool"/> (created here),
    /// in the cgroups whose cgroup.procs files <paramref name="join"/> names, and follows its output into <paramref name="output"/>.
    /// </summary>
    /// <exception cref="System.ComponentModel.Win32Exception">The OS could not start setsid.</exception>
    public static SpooledProcess Start(ProcessSpec spec, AttemptSpool spool, IReadOnlyList<string> join, IAttemptOutput output, TimeProvider time)
    {
        spool.Create();
        var startInfo = new ProcessStartInfo(spec.FileName)
        {
            UseShellExecute = false,
            // Pipes, closed at once: the supervisor's own streams must not be EtlWeb's (the script sends them to /dev/null).
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (!string.IsNullOrEmpty(spec.WorkingDirectory))
        {
            startInfo.WorkingDirectory = spec.WorkingDirectory;
        }

        foreach (var argument in Supervisor.Arguments(spec, spool, join))
        {
            startInfo.ArgumentList.Add(argument);
        }

        // ProcessStartInfo starts from a copy of EtlWeb's own environment, which holds its secrets: the spec's is the whole of it.
        startInfo.Environment.Clear();
        foreach (var (name, value) in spec.Environment)
        {
            startInfo.Environment[name] = value;
        }

        // Set last, whatever the spec's environment says: the marker is what finds descendants that left the group.
        startInfo.Environment[ProcessTree.MarkerVariable] = spec.Marker;

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"'{spec.FileName}' did not start.");
        process.StandardInput.Close();
        process.StandardOutput.Close();
        process.StandardError.Close();

        var ended = process.WaitForExitAsync();
        var detach = new CancellationTokenSource();
        var follower = new SpoolFollower(spool, default, new SerializedOutput(output, spec.Secrets, time));
        return new SpooledProcess(process.Id, spec.Marker, process, ended, follower.Start(ended, detach.Token), () => spool.RecordedExit() ?? ExitCodeOf(process), detach);
    }

    /// <summary>
    /// Adopts the process of an attempt a previous EtlWeb started: follows its spool on from <paramref name="from"/> and
    /// watches for its end. <paramref name="pid"/> is its supervisor, known alive or ended already.
    /// </summary>
    public static SpooledProcess Adopt(int pid, string marker, AttemptSpool spool, SpoolOffsets from, SecretMasker secrets, IAttemptOutput output, TimeProvider time)
    {
        var detach = new CancellationTokenSource();
        var ended = WatchAsync(pid, marker, spool, detach.Token);
        var follower = new SpoolFollower(spool, from, new SerializedOutput(output, secrets, time));
        return new SpooledProcess(pid, marker, null, ended, follower.Start(ended, detach.Token), spool.RecordedExit, detach);
    }

    /// <summary>Whether <paramref name="pid"/> is a live process of this attempt (a reused pid carries another marker).</summary>
    public static bool IsAlive(int pid, string marker) => ProcessTree.IsAlive(pid) && ProcessTree.Carries(pid, marker);

    /// <summary>SIGTERM to the tree, SIGKILL after <paramref name="grace"/>; returns the pids that survived even that.</summary>
    public Task<IReadOnlyList<int>> KillTreeAsync(TimeSpan grace, CancellationToken ct = default) =>
        ProcessTree.KillAllAsync(Pid, marker, grace, ct);

    /// <summary>
    /// Stops following and leaves the process running, for the next EtlWeb to adopt; returns once the follower handed
    /// its last complete line to the output.
    /// </summary>
    public async Task DetachAsync()
    {
        await detach.CancelAsync();
        await following;
    }

    /// <summary>Kills the tree at once if the process still runs and was not detached (nobody would follow it any more), then releases it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!Completion.IsCompleted && !detach.IsCancellationRequested)
        {
            await KillTreeAsync(TimeSpan.Zero);
        }

        if (!detach.IsCancellationRequested)
        {
            try
            {
                await Completion;
            }
            catch (Exception)
            {
                // The owner observes Completion's failure; disposing must still release the process.
            }
        }

        started?.Dispose();
        detach.Dispose();
    }

    private static async Task<int?> CompleteAsync(Task ended, Task following, Func<int?> exitCode)
    {
        await ended;
        await following;
        return exitCode();
    }

    private static int? ExitCodeOf(Process process) => process.HasExited ? process.ExitCode : null;

    // Real time on purpose: it waits for a real process that a fake clock cannot end.
    private static async Task WatchAsync(int pid, string marker, AttemptSpool spool, CancellationToken detach)
    {
        using var timer = new PeriodicTimer(AdoptedPoll);
        try
        {
            while (spool.RecordedExit() is null && IsAlive(pid, marker))
            {
                await timer.WaitForNextTickAsync(detach);
            }
        }
        catch (OperationCanceledException)
        {
            // Detached: the process runs on, and whoever adopts it next watches it.
        }
    }
}
