namespace EtlWeb.Core.Runs;

/// <summary>A for-each run and its items: the item runs it fans out into and how it ends with them.</summary>
public sealed partial class Run
{
    /// <summary>One item of a for-each run, Waiting for a free place among the run's items: the run's definition, inputs and instant.</summary>
    public static Run ItemOf(Run parent, int index, string item, DateTimeOffset now) =>
        new()
        {
            JobId = parent.JobId,
            Trigger = TriggerKind.ForEach,
            DefinitionSnapshot = parent.DefinitionSnapshot,
            PipelineId = parent.PipelineId,
            Revision = parent.Revision,
            QueuedAt = now,
            LogicalDate = parent.LogicalDate,
            Params = parent.Params,
            SealedParams = parent.SealedParams,
            BackfillId = parent.BackfillId,
            InputsFrom = parent.InputsFrom,
            ParentRunId = parent.Id,
            ItemIndex = index,
            Item = item,
            Status = RunStatus.Waiting,
        };

    /// <summary>Waiting to Running as a for-each run: its items run as runs of their own, and it ends with them.</summary>
    public bool FanOut(string reason, DateTimeOffset now)
    {
        if (!Move(RunStatus.Running, from: RunStatus.Waiting))
        {
            return false;
        }

        StartedAt = now;
        Reason = reason;
        return true;
    }

    /// <summary>
    /// Ends a for-each run (Running, without attempts of its own) once its items ended: Succeeded or Failed, with the
    /// reason. A for-each run still Waiting (its list was refused, or empty) goes through Running to the end at once.
    /// </summary>
    public bool EndItems(RunStatus status, string reason, DateTimeOffset now)
    {
        if (Attempts.Count > 0 || status is not (RunStatus.Succeeded or RunStatus.Failed) || (Status == RunStatus.Waiting && !FanOut(reason, now)))
        {
            return false;
        }

        return End(status, reason, now);
    }
}
