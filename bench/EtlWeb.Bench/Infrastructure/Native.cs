using System.Runtime.InteropServices;

namespace EtlWeb.Bench.Infrastructure;

internal static class Native
{
    public const int SigKill = 9;
    public const int SigTerm = 15;

    private const int ScClockTicks = 2;

    /// <summary>Clock ticks per second, the unit of utime and stime in /proc/&lt;pid&gt;/stat.</summary>
    public static long ClockTicksPerSecond => SysConf(ScClockTicks);

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static extern int Kill(int pid, int signal);

    [DllImport("libc", EntryPoint = "sysconf")]
    private static extern long SysConf(int name);
}
