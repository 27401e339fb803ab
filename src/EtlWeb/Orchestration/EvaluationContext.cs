using EtlWeb.Core.Jobs;
using EtlWeb.Core.Runs;
using EtlWeb.Data;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Orchestration;

/// <summary>Everything one evaluation of the waiting runs reads, loaded in a few queries.</summary>
internal sealed class EvaluationContext
{
    private sealed record ActiveRow(int JobId, bool Any, long? FirstRunning);

    private sealed record Membership(Guid PipelineId, int JobId, long RunId, RunStatus Status);

    private Dictionary<int, JobFacts> _jobs = [];
    private ILookup<int, int> _upstreamOf = Enumerable.Empty<int>().ToLookup(i => i);
    private ILookup<long, Guid> _pipelinesOf = Enumerable.Empty<long>().ToLookup(i => i, _ => Guid.Empty);
    private List<Membership> _members = [];
    private Dictionary<int, ActiveRow> _active = [];
    private Dictionary<int, RunStatus> _latestFinished = [];

    /// <summary>Loads what deciding <paramref name="waiting"/> needs; <paramref name="dependencies"/> when the caller has read them already.</summary>
    public static async Task<EvaluationContext> LoadAsync(EtlDbContext db, IReadOnlyList<Run> waiting, IReadOnlyList<JobDependency>? dependencies, CancellationToken cancellationToken)
    {
        dependencies ??= await db.Dependencies.AsNoTracking().ToListAsync(cancellationToken);
        var upstreamOf = dependencies.ToLookup(d => d.DownstreamJobId, d => d.UpstreamJobId);
        var relevant = waiting.SelectMany(r => upstreamOf[r.JobId].Append(r.JobId)).Distinct().ToList();
        var context = new EvaluationContext
        {
            // Only what a decision reads: loading whole jobs (their environments, a fan-in's hundred of them) costs far more.
            _jobs = await db.Jobs.Where(j => relevant.Contains(j.Id))
                .Select(j => new JobFacts(j.Id, j.Name, j.Enabled, j.OverlapPolicy))
                .ToDictionaryAsync(j => j.Id, cancellationToken),
            _upstreamOf = upstreamOf,
        };
        context._active = await LoadActiveAsync(db, relevant, cancellationToken);

        // Pipelines and upstream history matter only to a run that has upstream jobs.
        if (!waiting.Any(r => upstreamOf[r.JobId].Any()))
        {
            return context;
        }

        var waitingIds = waiting.Select(r => r.Id).ToList();
        var requests = await db.RunRequests.AsNoTracking().Where(q => waitingIds.Contains(q.RunId)).ToListAsync(cancellationToken);
        context._pipelinesOf = requests.ToLookup(q => q.RunId, q => q.PipelineId);
        var pipelineIds = requests.Select(q => q.PipelineId).Distinct().ToList();
        context._members = await db.RunRequests.AsNoTracking().Where(q => pipelineIds.Contains(q.PipelineId))
            .Join(db.Runs, q => q.RunId, r => r.Id, (q, r) => new Membership(q.PipelineId, r.JobId, r.Id, r.Status))
            .ToListAsync(cancellationToken);

        context._latestFinished = (await db.Jobs.Where(j => relevant.Contains(j.Id))
            .Select(j => new
            {
                j.Id,
                Status = db.Runs.Where(r => r.JobId == j.Id && r.FinishedAt != null && r.BackfillId == null).OrderByDescending(r => r.Id).Select(r => (RunStatus?)r.Status).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken))
            .Where(l => l.Status is not null).ToDictionary(l => l.Id, l => l.Status!.Value);
        return context;
    }

    /// <summary>
    /// Aggregated per job in SQL: a long queue of one job must not be read run by run. A backfill's runs are left out:
    /// they are not the overlap policy's concern (their cap bounds them), so a scheduled fire is not skipped for one, and
    /// a job downstream that waits on its upstream's activity or latest outcome waits on the live runs, not on history
    /// being reloaded (a backfill's pipeline runs decide their own downstream runs as members).
    /// </summary>
    private static Task<Dictionary<int, ActiveRow>> LoadActiveAsync(EtlDbContext db, List<int> relevant, CancellationToken cancellationToken) =>
        db.Runs
            .Where(r => relevant.Contains(r.JobId) && r.BackfillId == null
                && (r.Status == RunStatus.Queued || r.Status == RunStatus.Waiting || r.Status == RunStatus.Running))
            .GroupBy(r => r.JobId)
            .Select(g => new ActiveRow(g.Key, true, g.Where(r => r.Status == RunStatus.Running).Min(r => (long?)r.Id)))
            .ToDictionaryAsync(a => a.JobId, cancellationToken);

    /// <summary>Everything <see cref="WaitingRunRules"/> reads to decide <paramref name="run"/>.</summary>
    public WaitingRunFacts FactsOf(Run run)
    {
        var job = _jobs.GetValueOrDefault(run.JobId);
        return new WaitingRunFacts(
            job is { Enabled: false } ? job.Name : null,
            UpstreamsOf(run),
            run.QueuedAt,
            job?.OverlapPolicy ?? OverlapPolicy.Skip,

            // A waiting run is never Running itself, so the first running run of its job is always another run. A backfill's
            // run starts beside the job's other runs: its cap, not the overlap policy, bounds it.
            run.BackfillId is null && _active.TryGetValue(run.JobId, out var active) ? active.FirstRunning : null);
    }

    private List<UpstreamView> UpstreamsOf(Run run)
    {
        var pipelines = _pipelinesOf[run.Id].ToHashSet();
        return [.. _upstreamOf[run.JobId].Where(_jobs.ContainsKey).Select(upstream =>
        {
            var inPipeline = _members.Where(m => m.JobId == upstream && pipelines.Contains(m.PipelineId)).MaxBy(m => m.RunId);
            return new UpstreamView(
                _jobs[upstream].Name,
                _jobs[upstream].Enabled,
                inPipeline?.Status,
                _active.ContainsKey(upstream),
                _latestFinished.TryGetValue(upstream, out var last) ? last : null);
        })];
    }
}

/// <summary>The fields of a job that deciding its runs and its downstream runs reads.</summary>
internal sealed record JobFacts(int Id, string Name, bool Enabled, OverlapPolicy OverlapPolicy);
