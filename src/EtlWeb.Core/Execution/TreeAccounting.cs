using System.Globalization;

namespace EtlWeb.Core.Execution;

/// <summary>
/// The kernel's accounting of an attempt's tree as its supervisor recorded it when the job ended: the CPU time of the
/// children it waited for (the job, and every descendant each parent waited for), and the bytes they made the storage
/// read and write (Linux adds a reaped child's I/O counters to its parent's). A descendant nobody waited for (a daemon
/// that left the tree) is not in it.
/// </summary>
public sealed record TreeAccounting(double CpuUserSeconds, double CpuSystemSeconds, long? ReadBytes, long? WriteBytes)
{
    /// <summary>USER_HZ: the unit of /proc's CPU times, 100 on every Linux architecture EtlWeb runs on.</summary>
    public const double TicksPerSecond = 100;

    /// <summary>The supervisor's "usage" file: its stat line, then its io counters ("name: value", absent where the kernel keeps none); null without the stat line.</summary>
    public static TreeAccounting? Parse(IReadOnlyList<string> lines)
    {
        if (lines.Count < 1 || !ProcStat.TryParse(lines[0], out _))
        {
            return null;
        }

        var counters = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon > 0 && long.TryParse(line[(colon + 1)..].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            {
                counters[line[..colon]] = value;
            }
        }

        // Bytes dirtied and then truncated away before they reached the storage were never written.
        long? read = counters.TryGetValue("read_bytes", out var r) ? r : null;
        long? written = counters.TryGetValue("write_bytes", out var w) ? Math.Max(0, w - counters.GetValueOrDefault("cancelled_write_bytes")) : null;
        return new TreeAccounting(
            ProcStat.ChildrenTicks(lines[0], system: false) / TicksPerSecond,
            ProcStat.ChildrenTicks(lines[0], system: true) / TicksPerSecond,
            read,
            written);
    }
}
