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
    /// $1 is the spool directory, then the cgroup.procs files of the attempt's cgroups (none without cgroups) up to a
    /// "--", then the job's program and arguments. Its own standard streams go nowhere at once. It joins the cgroups
    /// before the job starts, so every process of the job is counted and limited from its first instruction; one it
    /// cannot join ends the attempt (status 125) with the reason in the job's stderr, rather than run it unlimited.
    /// SIGTERM is caught, not ignored (a job would inherit an ignored signal), so a cancel's SIGTERM to the group ends
    /// the job and the supervisor still records how it ended; only SIGKILL ends the supervisor itself. The status is
    /// one short write (no rename, which would cost a process per attempt): a reader that finds the file still empty
    /// reads it as no status yet. Before it, the kernel's accounting of the job's tree goes to "usage": the
    /// supervisor's own stat line (its children's CPU time) and its io counters, which hold what the job and the
    /// descendants it waited for read and wrote; read with builtins only, so it costs no process. The supervisor exits with the job's status too, so that EtlWeb, its parent, still has
    /// it when the write failed (a full disk).
    /// </summary>
    private const string Script = """
        exec </dev/null >/dev/null 2>&1
        spool=$1
        shift
        while [ "$1" != -- ]; do
          if ! echo $$ >"$1"; then
            echo "etlweb: the attempt could not join its cgroup ($1)" >>"$spool/stderr"
            echo 125 >"$spool/exit"
            exit 125
          fi
          shift
        done
        shift
        trap : TERM
        "$@" >>"$spool/stdout" 2>>"$spool/stderr"
        status=$?
        { read -r line </proc/$$/stat; echo "$line"; while read -r line; do echo "$line"; done </proc/$$/io; } >"$spool/usage"
        echo "$status" >"$spool/exit"
        exit "$status"
        """;

    private const string Shell = "/bin/sh";

    /// <summary>The arguments of setsid that run the job of <paramref name="spec"/> under the supervisor, in the cgroups of <paramref name="join"/>.</summary>
    public static IReadOnlyList<string> Arguments(ProcessSpec spec, AttemptSpool spool, IReadOnlyList<string> join) =>
        [Shell, "-c", Script, Name, spool.Directory, .. join, "--", .. spec.Arguments];
}
