using System.Text.Json.Serialization;
using EtlWeb.Core.Runs;

namespace EtlWeb.Core.Jobs;

/// <summary>A job document's <c>for_each</c>: <c>{"job": "List", "output": "files", "max_parallel": 5}</c>.</summary>
public sealed record ForEachDocument
{
    public const int DefaultMaxParallel = 5;
    public const int MaxParallelLimit = 100;

    [JsonPropertyName("job")]
    public string? Job { get; init; }

    [JsonPropertyName("output")]
    public string? Output { get; init; }

    [JsonPropertyName("max_parallel")]
    public int? MaxParallel { get; init; }

    public static ForEachDocument? Of(Job job) =>
        job.IsForEach ? new ForEachDocument { Job = job.ForEachJob, Output = job.ForEachOutput, MaxParallel = job.ForEachMaxParallel } : null;

    /// <summary>
    /// Sets the job's for-each fields from the document, naming each bad one; the upstream it reads becomes an on-success
    /// link of the job when the document does not list it, and may not be listed with another kind.
    /// </summary>
    public static void Apply(ForEachDocument? document, Job job, List<DependencyLink> links, ValidationErrors errors)
    {
        if (document is null)
        {
            return;
        }

        const string Field = JobFields.ForEach;
        var upstream = (document.Job ?? "").Trim();
        var output = (document.Output ?? "").Trim();
        if (upstream.Length == 0)
        {
            errors.Add($"{Field}.job", "A for-each job names the upstream job whose list it runs over.");
        }

        if (AttemptOutputs.KeyError(output) is { } keyError)
        {
            errors.Add($"{Field}.output", output.Length == 0 ? "A for-each job names the output that holds the list." : $"The {keyError}.");
        }

        var parallel = document.MaxParallel ?? DefaultMaxParallel;
        if (parallel is < 1 or > MaxParallelLimit)
        {
            errors.Add($"{Field}.max_parallel", $"max_parallel is from 1 to {MaxParallelLimit}, not {parallel}.");
        }

        if (links.FirstOrDefault(l => l.Job == upstream) is { } link)
        {
            if (link.When != LinkKind.Success)
            {
                errors.Add($"{Field}.job", $"'{upstream}' gives the list, so its link runs on success, not {JobText.Of(link.When)}.");
            }
        }
        else if (upstream.Length > 0)
        {
            links.Add(new DependencyLink(upstream));
        }

        job.ForEachJob = upstream;
        job.ForEachOutput = output;
        job.ForEachMaxParallel = Math.Clamp(parallel, 1, MaxParallelLimit);
    }
}
