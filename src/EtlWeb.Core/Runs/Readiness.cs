namespace EtlWeb.Core.Runs;

/// <summary>What a waiting run's upstream looks like to it.</summary>
/// <param name="InPipeline">Status of the upstream's run in a pipeline run the waiting run belongs to; null when it has none.</param>
/// <param name="Active">The upstream has a run that is queued, waiting or running.</param>
/// <param name="LatestFinished">Status of the upstream's latest finished run; null when it never finished one.</param>
public sealed record UpstreamView(string Name, bool Enabled, RunStatus? InPipeline, bool Active, RunStatus? LatestFinished);

public enum ReadinessKind
{
    Ready,
    Wait,
    UpstreamFailed,
}

/// <param name="OutsideUnsatisfied">The wait is (also) for an upstream outside the pipeline that last failed, never ran or is disabled: the maximum wait applies.</param>
public sealed record Readiness(ReadinessKind Kind, string Reason, bool OutsideUnsatisfied = false);

/// <summary>Fan-in, all-success: a run starts only when every upstream is satisfied (DESIGN.md section 4).</summary>
public static class ReadinessRules
{
    public static Readiness Evaluate(IReadOnlyList<UpstreamView> upstreams)
    {
        var waitingFor = new List<string>();
        var outsideUnsatisfied = false;
        foreach (var upstream in upstreams)
        {
            if (upstream.InPipeline is { } status)
            {
                if (status == RunStatus.Succeeded)
                {
                    continue;
                }

                if (status.IsTerminal())
                {
                    return new Readiness(ReadinessKind.UpstreamFailed, $"Upstream {upstream.Name} ended {status} in this pipeline run.");
                }

                waitingFor.Add(upstream.Name);
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
            else if (upstream.LatestFinished != RunStatus.Succeeded)
            {
                waitingFor.Add(upstream.LatestFinished is { } last ? $"{upstream.Name} (last run {last})" : $"{upstream.Name} (never ran)");
                outsideUnsatisfied = true;
            }
        }

        return waitingFor.Count == 0
            ? new Readiness(ReadinessKind.Ready, "")
            : new Readiness(ReadinessKind.Wait, "waiting for: " + string.Join(", ", waitingFor), outsideUnsatisfied);
    }
}
