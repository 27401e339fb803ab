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
}
