using System.Diagnostics;

namespace EtlWeb.Core.Execution;

/// <summary>A started attempt: its process group, its completion, and the way to stop its whole tree.</summary>
public sealed class RunningProcess : IAsyncDisposable
{
    /// <summary>How long output is still awaited after the process exited: a background descendant may hold the pipes open indefinitely.</summary>
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(2);

    private readonly Process process;
    private readonly string marker;

    internal RunningProcess(Process process, string marker, Task pumps, SerializedOutput output)
    {
        this.process = process;
        this.marker = marker;
        Pid = process.Id;
        Completion = CompleteAsync(process, pumps, output);
    }

    /// <summary>The process id, which is also its process group id (it was started through setsid).</summary>
    public int Pid { get; }

    /// <summary>The exit code (128 + signal when killed by a signal), once the process exited and its output was read.</summary>
    public Task<int> Completion { get; }

    /// <summary>SIGTERM to the tree, SIGKILL after <paramref name="grace"/>; returns the pids that survived even that.</summary>
    public Task<IReadOnlyList<int>> KillTreeAsync(TimeSpan grace, CancellationToken ct = default) =>
        ProcessTree.KillAllAsync(Pid, marker, grace, ct);

    /// <summary>Kills the tree at once if the process is still running (nobody would read its output any more), then releases it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!Completion.IsCompleted)
        {
            await KillTreeAsync(TimeSpan.Zero);
        }

        try
        {
            await Completion;
        }
        catch (Exception)
        {
            // The owner observes Completion's failure; disposing must still release the process.
        }

        process.Dispose();
    }

    // Real time for the drain, on purpose: it waits on real pipes, which a fake clock cannot close.
    private static async Task<int> CompleteAsync(Process process, Task pumps, SerializedOutput output)
    {
        await process.WaitForExitAsync();
        try
        {
            await pumps.WaitAsync(DrainTimeout);
        }
        catch (TimeoutException)
        {
            output.Close();
        }

        return process.ExitCode;
    }
}
