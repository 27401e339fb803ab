namespace EtlWeb.Core.Runs;

/// <summary>One run of a pipeline run, as re-running from the failed part reads it.</summary>
public sealed record PipelineMember(int JobId, long RunId, RunStatus Status);

/// <summary>Re-run from the failed part: which jobs of a pipeline run run again.</summary>
public static class RerunPlanner
{
    /// <summary>The jobs whose latest run in the pipeline run ended without success; the succeeded ones and those still going are left alone.</summary>
    public static IReadOnlySet<int> JobsToRerun(IEnumerable<PipelineMember> members) =>
        members.GroupBy(m => m.JobId)
            .Select(g => g.MaxBy(m => m.RunId)!)
            .Where(m => m.Status.IsTerminal() && m.Status != RunStatus.Succeeded)
            .Select(m => m.JobId)
            .ToHashSet();
}
