using System.Runtime.InteropServices;

namespace EtlWeb.Core.Execution;

internal static class NativeMethods
{
    public const int SigTerm = 15;
    public const int SigKill = 9;

    /// <summary>kill(2): a negative pid signals that process group. The result is ignored by callers on purpose:
    /// ESRCH (already gone) is the outcome they want, and anything still alive is found by the next scan.</summary>
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static extern int Kill(int pid, int signal);

    /// <summary>FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE: frees a range of a file; reads of it give zeros, offsets stay.</summary>
    public const int PunchHole = 0x01 | 0x02;

    /// <summary>fallocate(2); -1 where the file system does not support the mode.</summary>
    [DllImport("libc", EntryPoint = "fallocate", SetLastError = true)]
    public static extern int Fallocate(int fd, int mode, long offset, long length);
}
