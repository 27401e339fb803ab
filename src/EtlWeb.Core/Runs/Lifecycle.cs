namespace EtlWeb.Core.Runs;

/// <summary>
/// The one table of the statuses a run and an attempt may move between (DESIGN.md section 4). Every transition method
/// of <see cref="Run"/> and <see cref="Attempt"/> asks it first; a transition it refuses changes nothing, and a
/// terminal status has no way out.
/// </summary>
public static class Lifecycle
{
    private static readonly Dictionary<RunStatus, RunStatus[]> RunMoves = new()
    {
        // Waiting: ready (Queued), fanned out into its items as a for-each run (Running), refused by the overlap policy,
        // the maximum wait or a disabled job (Skipped), an upstream in the pipeline run failed (UpstreamFailed), or an
        // operator cancelled it.
        [RunStatus.Waiting] = [RunStatus.Queued, RunStatus.Running, RunStatus.Skipped, RunStatus.UpstreamFailed, RunStatus.Cancelled],

        // Queued: its first attempt is claimed (Running), an operator cancelled it, or its job was disabled meanwhile.
        [RunStatus.Queued] = [RunStatus.Running, RunStatus.Cancelled, RunStatus.Skipped],

        // Running: its last attempt settled the run (retries between attempts keep it Running).
        [RunStatus.Running] = [RunStatus.Succeeded, RunStatus.Failed, RunStatus.TimedOut, RunStatus.Cancelled, RunStatus.Interrupted],
    };

    private static readonly Dictionary<AttemptStatus, AttemptStatus[]> AttemptMoves = new()
    {
        [AttemptStatus.Queued] = [AttemptStatus.Running, AttemptStatus.Cancelled],
        [AttemptStatus.Running] = [AttemptStatus.Succeeded, AttemptStatus.Failed, AttemptStatus.TimedOut, AttemptStatus.Cancelled, AttemptStatus.Interrupted],
    };

    public static bool Allows(RunStatus from, RunStatus to) => RunMoves.TryGetValue(from, out var to_) && to_.Contains(to);

    public static bool Allows(AttemptStatus from, AttemptStatus to) => AttemptMoves.TryGetValue(from, out var to_) && to_.Contains(to);

    /// <summary>Terminal statuses never change once reached.</summary>
    public static bool IsTerminal(this RunStatus status) => !RunMoves.ContainsKey(status);

    public static bool IsTerminal(this AttemptStatus status) => !AttemptMoves.ContainsKey(status);

    /// <summary>The run status an attempt's end means for its run when no retry follows.</summary>
    public static RunStatus AsRunStatus(this AttemptStatus status) => status switch
    {
        AttemptStatus.Succeeded => RunStatus.Succeeded,
        AttemptStatus.Failed => RunStatus.Failed,
        AttemptStatus.TimedOut => RunStatus.TimedOut,
        AttemptStatus.Cancelled => RunStatus.Cancelled,
        AttemptStatus.Interrupted => RunStatus.Interrupted,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Only an ended attempt ends a run."),
    };
}
