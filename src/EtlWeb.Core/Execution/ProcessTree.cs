using System.Diagnostics;
using System.Text;

namespace EtlWeb.Core.Execution;

/// <summary>
/// Finds and stops an attempt's processes: its process group, plus every process carrying the attempt's
/// marker in its environment (descendants that left the group through setsid or a double fork).
/// </summary>
public static class ProcessTree
{
    /// <summary>The environment variable that carries the attempt's marker into every descendant.</summary>
    public const string MarkerVariable = "ETLWEB_ATTEMPT";

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>How long SIGKILLed processes get to disappear before they are reported as survivors.</summary>
    private static readonly TimeSpan KillSettle = TimeSpan.FromSeconds(2);

    /// <summary>Live processes (not the current one) whose environment holds this attempt's marker.</summary>
    public static IReadOnlyList<int> FindByMarker(string marker)
    {
        ArgumentException.ThrowIfNullOrEmpty(marker);
        return [.. Scan(group: null, marker).Select(found => found.Pid)];
    }

    /// <summary>The attempt markers carried by live processes of this machine (those EtlWeb's user may read).</summary>
    public static IReadOnlySet<string> LiveMarkers()
    {
        var prefix = Encoding.UTF8.GetBytes(MarkerVariable + "=");
        var markers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pid in LivePids())
        {
            if (EnvironmentEntry(pid, prefix) is { } value)
            {
                markers.Add(value);
            }
        }

        return markers;
    }

    /// <summary>Whether the process's environment holds this attempt's marker: a pid reused by another process does not.</summary>
    public static bool Carries(int pid, string marker) =>
        EnvironmentEntry(pid, Encoding.UTF8.GetBytes(MarkerVariable + "=")) == marker;

    /// <summary>Whether the process exists and is not a zombie (a zombie has ended; it only waits to be reaped).</summary>
    public static bool IsAlive(int pid) => ProcStat.TryRead(pid, out var stat) && !stat.HasEnded;

    /// <summary>
    /// SIGTERM to the group and the marked processes, up to <paramref name="grace"/> for them to end, then SIGKILL.
    /// Needs no running attempt object, so a restarted node can stop what a previous one left behind.
    /// </summary>
    /// <param name="pgid">The attempt's process group (its leader's pid), or null when only the marker is known.</param>
    /// <returns>The pids still alive after SIGKILL; normally empty.</returns>
    public static async Task<IReadOnlyList<int>> KillAllAsync(
        int? pgid, string marker, TimeSpan grace, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(marker);

        // Never signal pid 1's group, "all processes" (-1) or EtlWeb's own group.
        var group = pgid > 1 && pgid != ProcStat.OwnGroup() ? pgid : null;
        await SignalUntilGoneAsync(group, marker, NativeMethods.SigTerm, grace, cancellationToken);
        var survivors = await SignalUntilGoneAsync(group, marker, NativeMethods.SigKill, KillSettle, cancellationToken);
        return [.. survivors.Select(found => found.Pid)];
    }

    // Real time on purpose: these waits are for the OS to end real processes, which a fake clock cannot speed up.
    private static async Task<List<Found>> SignalUntilGoneAsync(
        int? group, string marker, int signal, TimeSpan within, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var alive = Scan(group, marker);
        if (group is int leader)
        {
            _ = NativeMethods.Kill(-leader, signal);
        }

        // Each process is signalled once: a second SIGTERM could cut short the cleanup the first one started.
        var signalled = alive.Where(found => found.InGroup).Select(found => found.Pid).ToHashSet();
        while (true)
        {
            foreach (var found in alive.Where(found => signalled.Add(found.Pid)))
            {
                _ = NativeMethods.Kill(found.Pid, signal);
            }

            if (alive.Count == 0 || Stopwatch.GetElapsedTime(started) >= within)
            {
                return alive;
            }

            await Task.Delay(PollInterval, cancellationToken);
            alive = Scan(group, marker);
        }
    }

    private static List<Found> Scan(int? group, string marker)
    {
        var prefix = Encoding.UTF8.GetBytes(MarkerVariable + "=");
        var found = new List<Found>();
        foreach (var (pid, stat) in LiveProcesses())
        {
            var inGroup = stat.ProcessGroup == group;
            if (inGroup || EnvironmentEntry(pid, prefix) == marker)
            {
                found.Add(new Found(pid, inGroup));
            }
        }

        return found;
    }

    /// <summary>
    /// <paramref name="root"/> and its live descendants, found through each thread's children list
    /// (/proc/PID/task/TID/children): a few reads per process of the tree, not a scan of every process of the machine. A
    /// descendant whose parent ended (reparented to init) is not found.
    /// </summary>
    internal static List<(int Pid, ProcStat Stat)> Descendants(int root)
    {
        var found = new List<(int, ProcStat)>();
        var pending = new Stack<int>([root]);
        while (pending.TryPop(out var pid))
        {
            if (!ProcStat.TryRead(pid, out var stat) || stat.HasEnded)
            {
                continue;
            }

            found.Add((pid, stat));
            foreach (var child in Children(pid))
            {
                pending.Push(child);
            }
        }

        return found;
    }

    private static IEnumerable<int> Children(int pid)
    {
        string[] threads;
        try
        {
            threads = Directory.GetDirectories($"/proc/{pid}/task");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }

        var children = new List<int>();
        foreach (var thread in threads)
        {
            try
            {
                children.AddRange(File.ReadAllText(Path.Combine(thread, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture)));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The thread or the process ended meanwhile.
            }
        }

        return children;
    }

    private static IEnumerable<int> LivePids() => LiveProcesses().Select(p => p.Pid);

    /// <summary>Every process of this machine but this one and zombies.</summary>
    private static IEnumerable<(int Pid, ProcStat Stat)> LiveProcesses()
    {
        var self = Environment.ProcessId;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var pid) && pid != self
                && ProcStat.TryRead(pid, out var stat) && !stat.HasEnded)
            {
                yield return (pid, stat);
            }
        }
    }

    /// <summary>The value of the process's environment variable that starts with <paramref name="prefix"/> (NAME=), or null.</summary>
    private static string? EnvironmentEntry(int pid, byte[] prefix)
    {
        byte[] environ;
        try
        {
            environ = File.ReadAllBytes($"/proc/{pid}/environ");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Another user's process, or one that ended meanwhile: not ours either way.
            return null;
        }

        ReadOnlySpan<byte> rest = environ;
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf((byte)0);
            var variable = end < 0 ? rest : rest[..end];
            if (variable.StartsWith(prefix))
            {
                return Encoding.UTF8.GetString(variable[prefix.Length..]);
            }

            rest = end < 0 ? [] : rest[(end + 1)..];
        }

        return null;
    }

    private readonly record struct Found(int Pid, bool InGroup);
}
