using System.Globalization;

namespace EtlWeb.Bench.Infrastructure;

/// <summary>What /proc says about a process: resident memory and CPU time used.</summary>
public static class ProcFs
{
    /// <summary>VmRSS from /proc/&lt;pid&gt;/status, in bytes; 0 once the process is gone.</summary>
    public static long ResidentBytes(int pid)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines($"/proc/{pid}/status");
        }
        catch (IOException)
        {
            return 0;
        }

        var line = lines.FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? 0 : 1024 * long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    /// <summary>How many file descriptors the process has open.</summary>
    public static int OpenDescriptors(int pid) => Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length;

    /// <summary>The process's thread count (Threads in /proc/&lt;pid&gt;/status).</summary>
    public static int Threads(int pid) =>
        int.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("Threads:", StringComparison.Ordinal))[8..].Trim(), CultureInfo.InvariantCulture);

    /// <summary>CPU time used so far (utime + stime of all its threads), in milliseconds.</summary>
    public static double CpuMilliseconds(int pid) => CpuTicks(pid) * 1000.0 / Native.ClockTicksPerSecond;

    /// <summary>
    /// The whole machine's CPU time from /proc/stat's first line, in clock ticks summed over all cores: busy (all but
    /// idle and iowait) and total. Two readings give the share of the machine that was busy between them.
    /// </summary>
    public static (long Busy, long Total) MachineTicks()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();

        // user nice system idle iowait irq softirq steal; guest and guest_nice are counted in user and nice already.
        var total = fields.Take(8).Sum();
        return (total - fields[3] - fields[4], total);
    }

    /// <summary>utime + stime from /proc/&lt;pid&gt;/stat, in clock ticks.</summary>
    private static long CpuTicks(int pid)
    {
        var text = File.ReadAllText($"/proc/{pid}/stat");

        // "pid (comm) state ...": comm may hold spaces, so count fields after the last ')'; utime is field 14.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }
}
