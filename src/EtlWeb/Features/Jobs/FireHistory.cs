using System.Text.Json.Serialization;
using EtlWeb.Core.Jobs;
using EtlWeb.Core.Runs;
using EtlWeb.Core.Scheduling;
using EtlWeb.Data;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Features.Jobs;

/// <summary>One due time of a job's schedule and what became of it.</summary>
public sealed record FireDocument(
    [property: JsonPropertyName("due")] DateTimeOffset Due,
    [property: JsonPropertyName("outcome")] string Outcome,
    [property: JsonPropertyName("run_id")] long? RunId,
    [property: JsonPropertyName("detail")] string Detail)
{
    /// <summary>For a fire that ran: its run's status (the timeline colours by it); not in the API document.</summary>
    [JsonIgnore]
    public string? RunStatus { get; init; }
}

/// <summary>A range of the fire timeline that holds too many due times to answer.</summary>
public sealed class FireRangeException(string message) : Exception(message);

/// <summary>The fire timeline of a job: every due time of its schedule in a range, with what became of it.</summary>
public sealed class FireHistory(IDbContextFactory<EtlDbContext> dbFactory, TimeProvider time)
{
    /// <summary>How long after its due time a fire counts: the scheduler makes its run within this time.</summary>
    public static readonly TimeSpan Settling = TimeSpan.FromSeconds(10);

    /// <summary>The most due times one answer holds: a longer range is refused with a message.</summary>
    public const int MaxFires = 200_000;

    /// <summary>Earliest first; null when the job does not exist. Throws <see cref="FireRangeException"/> for a range with more than <see cref="MaxFires"/> due times.</summary>
    public async Task<IReadOnlyList<FireDocument>?> ListAsync(int jobId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId, cancellationToken) is not { } job)
        {
            return null;
        }

        var anchor = await db.ScheduleStates.Where(s => s.JobId == jobId).Select(s => (DateTimeOffset?)s.Anchor).FirstOrDefaultAsync(cancellationToken);
        var revisions = await db.JobRevisions.AsNoTracking().Where(r => r.JobId == jobId).OrderBy(r => r.Number).ToListAsync(cancellationToken);
        var periods = SchedulePeriods.Of(job, anchor ?? job.CreatedAt,
            [.. revisions.Select(r => new DefinitionAt(r.At, JobDocumentMapper.ToDraft(r.ReadDefinition(), new ValidationErrors()).Job, r.Number == 1 && r.ReadChanges().Count > 0))]);

        // A fire due a moment ago may not have made its run yet: the last seconds are left out.
        var settled = time.GetUtcNow() - Settling;
        var (start, end) = (from.ToUniversalTime(), (to < settled ? to : settled).ToUniversalTime());
        // A calendar is read with its days of now: a day added or removed later counts for the past fires too.
        var calendars = await CalendarQueries.ForJobsAsync(db, periods.Select(p => p.Definition), cancellationToken);
        var dues = FireTimeline.DueTimes(periods, start, end, calendars).Take(MaxFires + 1).ToList();
        if (dues.Count > MaxFires)
        {
            throw new FireRangeException($"The range holds more than {MaxFires} due times of this job's schedule; ask for a shorter one.");
        }

        // Logical dates are stored in UTC, and SQLite compares by wall-clock ticks: the bounds too. Most fires ran and need
        // four columns; the few whose reason tells the outcome (skipped, blocked) are read again with their reason and times.
        var fired = db.Runs.AsNoTracking().Where(r => r.JobId == jobId && r.ParentRunId == null && r.BackfillId == null
            && (r.Trigger == TriggerKind.Schedule || r.Trigger == TriggerKind.CatchUp) && r.LogicalDate >= start && r.LogicalDate <= end);
        var details = await fired.Where(r => r.Status == RunStatus.Skipped || r.Status == RunStatus.UpstreamFailed || r.Status == RunStatus.Waiting)
            .Select(r => new FiredRun(r.Id, r.Trigger, r.Status, r.Reason, r.LogicalDate, r.QueuedAt, r.FinishedAt))
            .ToDictionaryAsync(r => r.Id, cancellationToken);
        var runs = (await fired.Select(r => new { r.Id, r.Trigger, r.Status, r.LogicalDate }).ToListAsync(cancellationToken))
            .Select(r => details.GetValueOrDefault(r.Id) ?? new FiredRun(r.Id, r.Trigger, r.Status, null, r.LogicalDate, r.LogicalDate, null))
            .ToList();

        // A fire that joined a run already pending (for another instant) is recorded with its request.
        runs.AddRange(await db.RunRequests.AsNoTracking().Where(q => q.FireAt != null && q.FireAt >= start && q.FireAt <= end)
            .Join(db.Runs.Where(r => r.JobId == jobId), q => q.RunId, r => r.Id, (q, r) => new FiredRun(r.Id, TriggerKind.Schedule, r.Status, r.Reason, q.FireAt!.Value, r.QueuedAt, r.FinishedAt, true))
            .ToListAsync(cancellationToken));
        var gaps = await db.ScheduleGaps.AsNoTracking().Where(g => g.JobId == jobId && g.To >= start && g.From <= end).ToListAsync(cancellationToken);
        var statuses = runs.DistinctBy(r => r.Id).ToDictionary(r => r.Id, r => r.Status.ToString());
        return [.. FireTimeline.Explain(dues, runs, gaps, start, end)
            .Select(f => new FireDocument(f.Due, FireTimeline.Name(f.Outcome), f.RunId, f.Detail)
            {
                RunStatus = f.RunId is { } id ? statuses.GetValueOrDefault(id) : null,
            })];
    }
}
