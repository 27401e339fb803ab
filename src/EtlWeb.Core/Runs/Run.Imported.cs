namespace EtlWeb.Core.Runs;

/// <summary>A run another scheduler ran, brought over with its history.</summary>
public sealed partial class Run
{
    /// <summary>The node name an imported attempt records: it ran in the desktop tool, not on an EtlWeb node.</summary>
    public const string DesktopNode = "desktop tool";

    /// <summary>
    /// An execution of the desktop tool as an ended run with one attempt. It passes through the usual transitions
    /// (queued, claimed at its start, settled at its end), so it is a run like any other from then on.
    /// </summary>
    public static Run Imported(int jobId, string definitionSnapshot, int? revision, ImportedExecution execution, LogTotals log)
    {
        var run = Create(jobId, TriggerKind.Imported, definitionSnapshot, Guid.NewGuid(), execution.StartedAt, revision: revision);
        var attempt = run.Queue(marker: "")!;
        run.Claim(attempt, DesktopNode, execution.StartedAt);
        var outcome = new AttemptOutcome(execution.Status, execution.ExitCode, execution.Message);
        attempt.Settle(outcome, log, execution.FinishedAt);
        run.End(execution.Status.AsRunStatus(), execution.Status == AttemptStatus.Succeeded ? null : execution.Message, execution.FinishedAt);
        return run;
    }
}

/// <summary>One execution as another scheduler recorded it: when it ran, how it ended and why.</summary>
public sealed record ImportedExecution(DateTimeOffset StartedAt, DateTimeOffset FinishedAt, AttemptStatus Status, int? ExitCode, string Message);
