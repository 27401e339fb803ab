using System.Text.Json;
using EtlWeb.Core.Runs;
using EtlWeb.Data;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Orchestration;

/// <summary>
/// The outputs a run's upstream runs gave, by upstream job name: each upstream job's run in the run's pipeline run (or,
/// for a re-run, in the pipeline run it re-does), else the upstream's latest finished run, the one its readiness went by.
/// Each run's outputs are its last attempt's.
/// </summary>
internal static class UpstreamOutputs
{
    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, JsonElement>> None =
        new Dictionary<string, IReadOnlyDictionary<string, JsonElement>>();

    public static async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, JsonElement>>> LoadAsync(EtlDbContext db, Run run, CancellationToken cancellationToken)
    {
        var upstreams = await db.Dependencies.Where(d => d.DownstreamJobId == run.JobId)
            .Join(db.Jobs, d => d.UpstreamJobId, j => j.Id, (d, j) => new { j.Id, j.Name }).ToListAsync(cancellationToken);
        if (upstreams.Count == 0)
        {
            return None;
        }

        var ids = upstreams.Select(u => u.Id).ToList();
        // An item of a for-each run belongs to its run's pipeline runs.
        var member = run.ParentRunId ?? run.Id;
        var pipelines = await db.RunRequests.Where(q => q.RunId == member).Select(q => q.PipelineId).ToListAsync(cancellationToken);
        if (run.InputsFrom is { } earlier)
        {
            pipelines.Add(earlier);
        }

        // From the pipeline runs' members (indexed by pipeline), not from the upstream jobs' whole history.
        var inPipeline = await db.RunRequests.Where(q => pipelines.Contains(q.PipelineId))
            .Join(db.Runs.Where(r => ids.Contains(r.JobId)), q => q.RunId, r => r.Id, (q, r) => r)
            .Select(r => new { r.JobId, r.Id, Outputs = r.Attempts.OrderByDescending(a => a.Number).Select(a => a.Outputs).FirstOrDefault() })
            .ToListAsync(cancellationToken);
        var outputs = inPipeline.GroupBy(r => r.JobId).ToDictionary(g => g.Key, g => g.MaxBy(r => r.Id)!.Outputs);
        var outside = ids.Where(id => !outputs.ContainsKey(id)).ToList();
        if (outside.Count > 0)
        {
            var latest = await db.Jobs.Where(j => outside.Contains(j.Id))
                .Select(j => new
                {
                    j.Id,
                    Outputs = db.Runs.Where(r => r.JobId == j.Id && r.FinishedAt != null && r.BackfillId == null && r.ParentRunId == null).OrderByDescending(r => r.Id)
                        .Select(r => r.Attempts.OrderByDescending(a => a.Number).Select(a => a.Outputs).FirstOrDefault()).FirstOrDefault(),
                })
                .ToListAsync(cancellationToken);
            foreach (var row in latest)
            {
                outputs[row.Id] = row.Outputs;
            }
        }

        return upstreams.Where(u => outputs.GetValueOrDefault(u.Id) is not null)
            .ToDictionary(u => u.Name, u => AttemptOutputs.Read(outputs[u.Id]), StringComparer.Ordinal);
    }
}
