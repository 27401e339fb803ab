using System.Text.Json;
using System.Text.Json.Nodes;

namespace EtlWeb.Core.Jobs;

/// <summary>
/// The job as a run executes it, stored with the run: later edits do not change what a run ran with. The values of
/// secret variables are left out (a run row is never encrypted); an attempt reads them back from the job when it starts.
/// </summary>
public static class JobSnapshot
{
    /// <summary>
    /// The run's own <paramref name="input"/> (a webhook's <c>ETL_HOOK_*</c> variables) is added to the environment and
    /// wins over a job variable of the same name, secret or not, as that prefix is reserved for it.
    /// </summary>
    public static string Of(Job job, IReadOnlyDictionary<string, string>? input = null)
    {
        input ??= new Dictionary<string, string>();
        if (job.SecretEnvironment.Count == 0 && input.Count == 0)
        {
            return JsonSerializer.Serialize(job);
        }

        var snapshot = JsonSerializer.SerializeToNode(job)!.AsObject();
        var environment = snapshot[nameof(Job.Environment)]!.AsObject();
        foreach (var name in job.SecretEnvironment)
        {
            environment.Remove(name);
        }

        foreach (var (name, value) in input)
        {
            environment[name] = value;
        }

        if (job.SecretEnvironment.Any(input.ContainsKey))
        {
            // Else the attempt would read the job's secret value back over the input.
            snapshot[nameof(Job.SecretEnvironment)] = new JsonArray([.. job.SecretEnvironment.Where(n => !input.ContainsKey(n)).Select(n => JsonValue.Create(n))]);
        }

        return snapshot.ToJsonString();
    }

    public static Job Read(string snapshot) => JsonSerializer.Deserialize<Job>(snapshot)!;
}
