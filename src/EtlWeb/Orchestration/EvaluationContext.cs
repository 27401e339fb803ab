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
    private ILookup<int, JobDependency> _upstreamOf = Enumerable.Empty<JobDependency>().ToLookup(d => d.DownstreamJobId);
    private ILookup<long, Guid> _pipelinesOf = Enumerable.Empty<long>().ToLookup(i => i, _ => Guid.Empty);
    private List<Membership> _members = [];
    private Dictionary<int, ActiveRow> _active = [];
    private Dictionary<int, (RunStatus Status, long RunId)> _latestFinished = [];
    private Dictionary<long, UpstreamResult> _results = [];
    private Dictionary<long, Guid> _inputsFrom = [];

    /// <summary>Loads what deciding <paramref name="waiting"/> needs; <paramref name="dependencies"/> when the caller has read them already.</summary>
    public static async Task<EvaluationContext> LoadAsync(EtlDbContext db, IReadOnlyList<Run> waiting, IReadOnlyList<JobDependency>? dependencies, CancellationToken cancellationToken)
    {
        dependencies ??= await db.Dependencies.AsNoTracking().ToListAsync(cancellationToken);
        var upstreamOf = dependencies.ToLookup(d => d.DownstreamJobId);
        var relevant = waiting.SelectMany(r => upstreamOf[r.JobId].Select(d => d.UpstreamJobId).Append(r.JobId)).Distinct().ToList();
        var context = new EvaluationContext
        {
            // Only what a decision reads: loading whole jobs (their environments, a fan-in's hundred of them) costs far more.
            _jobs = await db.Jobs.Where(j => relevant.Contains(j.Id))
                .Select(j => new JobFacts(j.Id, j.Name, j.Enabled, j.OverlapPolicy, j.ForEachJob, j.ForEachOutput, j.ForEachMaxParallel))
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
                Latest = db.Runs.Where(r => r.JobId == j.Id && r.FinishedAt != null && r.BackfillId == null && r.ParentRunId == null).OrderByDescending(r => r.Id)
                    .Select(r => new { r.Status, r.Id }).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken))
            .Where(l => l.Latest is not null).ToDictionary(l => l.Id, l => (l.Latest!.Status, l.Latest.Id));
        await context.LoadResultsAsync(db, waiting, cancellationToken);
        return context;
    }

    /// <summary>How the upstream runs that links with a condition go by ended: read only for those links.</summary>
    private async Task LoadResultsAsync(EtlDbContext db, IReadOnlyList<Run> waiting, CancellationToken cancellationToken)
    {
        var conditioned = waiting.Where(run => _upstreamOf[run.JobId].Any(d => d.Condition is not null)).Select(run => run.Id).ToList();
        if (conditioned.Count == 0)
        {
            return;
        }

        // A re-run's condition reads the run its outputs come from: the re-done pipeline run's.
        _inputsFrom = await db.Runs.Where(r => conditioned.Contains(r.Id) && r.InputsFrom != null)
            .ToDictionaryAsync(r => r.Id, r => r.InputsFrom!.Value, cancellationToken);
        if (_inputsFrom.Count > 0)
        {
            var earlier = _inputsFrom.Values.Distinct().ToList();
            _members.AddRange(await db.RunRequests.AsNoTracking().Where(q => earlier.Contains(q.PipelineId))
                .Join(db.Runs, q => q.RunId, r => r.Id, (q, r) => new Membership(q.PipelineId, r.JobId, r.Id, r.Status))
                .ToListAsync(cancellationToken));
        }

        var runIds = waiting.SelectMany(run => _upstreamOf[run.JobId].Where(d => d.Condition is not null).Select(d => SourceOf(run, d.UpstreamJobId)))
            .OfType<long>().Distinct().ToList();
        if (runIds.Count == 0)
        {
            return;
        }

        _results = (await db.Runs.Where(r => runIds.Contains(r.Id))
            .Select(r => new
            {
                r.Id,
                r.Status,
                Attempts = r.Attempts.Count,
                Last = r.Attempts.OrderByDescending(a => a.Number).Select(a => new { a.ExitCode, a.Outputs }).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken))
            .ToDictionary(r => r.Id, r => new UpstreamResult(r.Status, r.Last?.ExitCode, r.Attempts, AttemptOutputs.Read(r.Last?.Outputs)));
    }

    /// <summary>The upstream's run a link of <paramref name="run"/> goes by: its run in the pipeline run, else its latest finished one.</summary>
    private long? SourceOf(Run run, int upstream)
    {
        var pipelines = _pipelinesOf[run.Id].ToHashSet();
        var member = _members.Where(m => m.JobId == upstream && pipelines.Contains(m.PipelineId)).MaxBy(m => m.RunId)
            ?? (_inputsFrom.TryGetValue(run.Id, out var earlier) ? _members.Where(m => m.JobId == upstream && m.PipelineId == earlier).MaxBy(m => m.RunId) : null);
        return member is not null ? member.RunId : _latestFinished.TryGetValue(upstream, out var last) ? last.RunId : null;
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

    /// <summary>What deciding reads of a job; null for a job that is gone.</summary>
    public JobFacts? JobOf(int jobId) => _jobs.GetValueOrDefault(jobId);

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
        return [.. _upstreamOf[run.JobId].Where(d => _jobs.ContainsKey(d.UpstreamJobId)).Select(link =>
        {
            var upstream = link.UpstreamJobId;
            var inPipeline = _members.Where(m => m.JobId == upstream && pipelines.Contains(m.PipelineId)).MaxBy(m => m.RunId);
            return new UpstreamView(
                _jobs[upstream].Name,
                _jobs[upstream].Enabled,
                inPipeline?.Status,
                _active.ContainsKey(upstream),
                _latestFinished.TryGetValue(upstream, out var last) ? last.Status : null,
                link.When,
                link.Condition,
                link.Condition is not null && SourceOf(run, upstream) is { } source ? _results.GetValueOrDefault(source) : null);
        })];
    }
}

/// <summary>The fields of a job that deciding its runs and its downstream runs reads.</summary>
internal sealed record JobFacts(int Id, string Name, bool Enabled, OverlapPolicy OverlapPolicy, string ForEachJob, string ForEachOutput, int ForEachMaxParallel)
{
    public bool IsForEach => ForEachJob.Length > 0;
}
