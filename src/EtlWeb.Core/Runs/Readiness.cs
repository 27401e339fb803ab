using EtlWeb.Core.Jobs;

namespace EtlWeb.Core.Runs;

/// <summary>What a waiting run's upstream looks like to it.</summary>
/// <param name="InPipeline">Status of the upstream's run in a pipeline run the waiting run belongs to; null when it has none.</param>
/// <param name="Active">The upstream has a run that is queued, waiting or running.</param>
/// <param name="LatestFinished">Status of the upstream's latest finished run; null when it never finished one.</param>
/// <param name="When">The link's kind: what end of the upstream lets the run start.</param>
/// <param name="Condition">The link's condition, checked once the link is satisfied; null when it has none.</param>
/// <param name="Result">How the upstream run the link went by ended: read only for a link with a condition.</param>
public sealed record UpstreamView(
    string Name, bool Enabled, RunStatus? InPipeline, bool Active, RunStatus? LatestFinished,
    LinkKind When = LinkKind.Success, string? Condition = null, UpstreamResult? Result = null);

public enum ReadinessKind
{
    Ready,
    Wait,
    UpstreamFailed,

    /// <summary>A link cannot be satisfied (its kind did not match the upstream's end) or its condition is false.</summary>
    Skip,
}

/// <param name="OutsideUnsatisfied">The wait is (also) for an upstream outside the pipeline that last failed, never ran or is disabled: the maximum wait applies.</param>
public sealed record Readiness(ReadinessKind Kind, string Reason, bool OutsideUnsatisfied = false);

/// <summary>
/// Fan-in (DESIGN.md section 4): a run starts only when every link is satisfied. An on-success link is satisfied by the
/// upstream's success; an on-failure link by its failure for good (Failed, TimedOut, Interrupted or UpstreamFailed,
/// after its retries); an always link by any end. Then every link's condition must hold.
/// </summary>
public static class ReadinessRules
{
    private enum LinkMatch
    {
        Yes,
        No,
        UpstreamFailed,
    }

    public static Readiness Evaluate(IReadOnlyList<UpstreamView> upstreams)
    {
        var waitingFor = new List<string>();
        var outsideUnsatisfied = false;
        string? skip = null;
        foreach (var upstream in upstreams)
        {
            if (upstream.InPipeline is { } status)
            {
                if (!status.IsTerminal())
                {
                    waitingFor.Add(upstream.Name);
                    continue;
                }

                switch (Match(upstream.When, status))
                {
                    case LinkMatch.UpstreamFailed:
                        return new Readiness(ReadinessKind.UpstreamFailed, $"Upstream {upstream.Name} ended {status} in this pipeline run.");
                    case LinkMatch.No:
                        skip ??= upstream.When == LinkKind.Success
                            ? $"Skipped: upstream {upstream.Name} was skipped in this pipeline run."
                            : $"Skipped: it runs on failure of {upstream.Name}, which ended {status}.";
                        break;
                }
            }
            else if (!upstream.Enabled)
            {
                waitingFor.Add($"{upstream.Name} (disabled)");
                outsideUnsatisfied = true;
            }
            else if (upstream.Active)
            {
                waitingFor.Add(upstream.Name);
            }
            else if (upstream.LatestFinished is not { } last || Match(upstream.When, last) != LinkMatch.Yes)
            {
                waitingFor.Add(upstream.LatestFinished is { } lastStatus ? $"{upstream.Name} (last run {lastStatus})" : $"{upstream.Name} (never ran)");
                outsideUnsatisfied = true;
            }
        }

        if (skip is not null)
        {
            return new Readiness(ReadinessKind.Skip, skip);
        }

        if (waitingFor.Count > 0)
        {
            return new Readiness(ReadinessKind.Wait, "waiting for: " + string.Join(", ", waitingFor), outsideUnsatisfied);
        }

        foreach (var upstream in upstreams.Where(u => u.Condition is not null))
        {
            var result = upstream.Result is { } ended
                ? LinkConditions.Evaluate(upstream.Condition!, upstream.Name, ended)
                : new ConditionResult(false, $"condition '{upstream.Condition}' has no finished run of {upstream.Name} to read");
            if (result.Error is { } error)
            {
                return new Readiness(ReadinessKind.Skip, $"Skipped: {error}.");
            }

            if (!result.Holds)
            {
                return new Readiness(ReadinessKind.Skip, $"Skipped: condition '{upstream.Condition}' on {upstream.Name} is false.");
            }
        }

        return new Readiness(ReadinessKind.Ready, "");
    }

    /// <summary>Whether an upstream's end satisfies a link of <paramref name="kind"/>.</summary>
    private static LinkMatch Match(LinkKind kind, RunStatus status) => kind switch
    {
        LinkKind.Always => LinkMatch.Yes,
        LinkKind.Failure => IsFailure(status) ? LinkMatch.Yes : LinkMatch.No,
        _ => status == RunStatus.Succeeded ? LinkMatch.Yes : status == RunStatus.Skipped ? LinkMatch.No : LinkMatch.UpstreamFailed,
    };

    /// <summary>An end that counts as a failure for good: the retries are over, and the upstream did not succeed.</summary>
    public static bool IsFailure(RunStatus status) =>
        status is RunStatus.Failed or RunStatus.TimedOut or RunStatus.Interrupted or RunStatus.UpstreamFailed;
}
