namespace EtlWeb.Core.Execution;

/// <summary>
/// The small supervisor each attempt runs under: a POSIX shell, leader of its own session (setsid), with no pipe to
/// EtlWeb. It appends the job's stdout and stderr to the spool and writes the job's exit status there when the job
/// ends, so the job neither dies with EtlWeb (no SIGHUP, no SIGPIPE) nor ends unseen while EtlWeb is down.
/// </summary>
internal static class Supervisor
{
    /// <summary>What ps shows as the supervisor's name ($0 of the script).</summary>
    public const string Name = "etlweb-supervisor";

    /// <summary>
    /// $1 is the spool directory, the rest the job's program and arguments. Its own standard streams go nowhere at once.
    /// SIGTERM is caught, not ignored (a job would inherit an ignored signal), so a cancel's SIGTERM to the group ends
    /// the job and the supervisor still records how it ended; only SIGKILL ends the supervisor itself. The status is
    /// one short write (no rename, which would cost a process per attempt): a reader that finds the file still empty
    /// reads it as no status yet. The supervisor exits with the job's status too, so that EtlWeb, its parent, still has
    /// it when the write failed (a full disk).
    /// </summary>
    private const string Script = """
        exec </dev/null >/dev/null 2>&1
        spool=$1
        shift
        trap : TERM
        "$@" >>"$spool/stdout" 2>>"$spool/stderr"
        status=$?
        echo "$status" >"$spool/exit"
        exit "$status"
        """;

    private const string Shell = "/bin/sh";

    /// <summary>The arguments of setsid that run the job of <paramref name="spec"/> under the supervisor.</summary>
    public static IReadOnlyList<string> Arguments(ProcessSpec spec, AttemptSpool spool) =>
        [Shell, "-c", Script, Name, spool.Directory, .. spec.Arguments];
}
