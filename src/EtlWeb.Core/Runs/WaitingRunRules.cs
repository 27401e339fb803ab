using EtlWeb.Core.Jobs;

namespace EtlWeb.Core.Runs;

/// <summary>What the overlap policy says about a run that is otherwise ready.</summary>
public enum OverlapKind
{
    Start,
    Skip,
    Wait,
}

/// <summary>What to do with a waiting run now.</summary>
public enum DecisionKind
{
    /// <summary>Queue it: its first attempt goes to the workers.</summary>
    Start,

    /// <summary>Leave it waiting, for <see cref="RunDecision.Reason"/>.</summary>
    Wait,

    /// <summary>End it Skipped: its job is disabled, the overlap policy is Skip, or it waited too long.</summary>
    Skip,

    /// <summary>End it UpstreamFailed: an upstream in its pipeline run ended without success.</summary>
    UpstreamFailed,
}

/// <param name="Deadline">For a wait on an upstream outside the pipeline run: when the maximum wait is over.</param>
public sealed record RunDecision(DecisionKind Kind, string Reason, DateTimeOffset? Deadline = null);

/// <summary>Everything deciding one waiting run reads.</summary>
/// <param name="DisabledJob">The run's job's name when the job is disabled; null when it is enabled.</param>
/// <param name="OtherRunning">A run of the same job that is Running now, if any.</param>
public sealed record WaitingRunFacts(string? DisabledJob, IReadOnlyList<UpstreamView> Upstreams, DateTimeOffset QueuedAt, OverlapPolicy Policy, long? OtherRunning);

/// <summary>
/// The decision for a waiting run (DESIGN.md section 4), in order: a disabled job never starts; fan-in all-success
/// (<see cref="ReadinessRules"/>); a wait on an upstream outside the pipeline run ends Skipped after the maximum wait;
/// a ready run starts unless the overlap policy says otherwise.
/// </summary>
public static class WaitingRunRules
{
    /// <summary>How an overlap skip's reason starts; the fire timeline reads it back.</summary>
    public const string OverlapSkip = "Skipped by the overlap policy Skip";

    /// <summary>How the reason of a run skipped because its job is disabled starts.</summary>
    public const string DisabledSkip = "Skipped: job '";

    public static RunDecision Decide(WaitingRunFacts facts, DateTimeOffset now, TimeSpan maxWait)
    {
        if (facts.DisabledJob is { } name)
        {
            return new RunDecision(DecisionKind.Skip, $"{DisabledSkip}{name}' is disabled.");
        }

        var readiness = ReadinessRules.Evaluate(facts.Upstreams);
        switch (readiness.Kind)
        {
            case ReadinessKind.UpstreamFailed:
                return new RunDecision(DecisionKind.UpstreamFailed, readiness.Reason);
            case ReadinessKind.Skip:
                return new RunDecision(DecisionKind.Skip, readiness.Reason);
            case ReadinessKind.Wait when readiness.OutsideUnsatisfied && now - facts.QueuedAt >= maxWait:
                return new RunDecision(DecisionKind.Skip, $"Skipped after waiting {maxWait.TotalHours:0.##} h, still {readiness.Reason}");
            case ReadinessKind.Wait:
                return new RunDecision(DecisionKind.Wait, readiness.Reason, readiness.OutsideUnsatisfied ? facts.QueuedAt + maxWait : null);
        }

        return Overlap(facts.Policy, facts.OtherRunning) switch
        {
            OverlapKind.Start => new RunDecision(DecisionKind.Start, ""),
            OverlapKind.Skip => new RunDecision(DecisionKind.Skip, $"{OverlapSkip}: run #{facts.OtherRunning} of this job was still running."),
            _ => new RunDecision(DecisionKind.Wait, $"waiting for run #{facts.OtherRunning} of this job to finish"),
        };
    }

    /// <summary>Skip: a run of the same job is running, so this one is recorded as Skipped; Queue: wait for it; Allow: start.</summary>
    public static OverlapKind Overlap(OverlapPolicy policy, long? otherRunning) =>
        otherRunning is null || policy == OverlapPolicy.Allow ? OverlapKind.Start
        : policy == OverlapPolicy.Skip ? OverlapKind.Skip
        : OverlapKind.Wait;
}
