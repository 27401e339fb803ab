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

/// <summary>The fire timeline of a job: every due time of its schedule in a range, with what became of it.</summary>
public sealed class FireHistory(IDbContextFactory<EtlDbContext> dbFactory, TimeProvider time)
{
    /// <summary>The most due times one answer holds: a longer range is refused with a message.</summary>
    public const int MaxFires = 200_000;

    /// <summary>Earliest first; null when the job does not exist. Throws <see cref="ArgumentException"/> for a range with more than <see cref="MaxFires"/> due times.</summary>
    public async Task<IReadOnlyList<FireDocument>?> ListAsync(int jobId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId, cancellationToken) is not { } job)
        {
            return null;
        }

        var anchor = await db.ScheduleStates.Where(s => s.JobId == jobId).Select(s => (DateTimeOffset?)s.Anchor).FirstOrDefaultAsync(cancellationToken);
        var revisions = await db.JobRevisions.AsNoTracking().Where(r => r.JobId == jobId).OrderBy(r => r.Number).ToListAsync(cancellationToken);
        var periods = SchedulePeriods.Of(job, anchor ?? job.CreatedAt, [.. revisions.Select(r => (r.At, JobDocumentMapper.ToDraft(r.ReadDefinition(), new ValidationErrors()).Job))]);
        var (start, end) = (from.ToUniversalTime(), to.ToUniversalTime());
        if (FireTimeline.DueTimes(periods, start, end).Skip(MaxFires).Any())
        {
            throw new ArgumentException($"The range holds more than {MaxFires} due times of this job's schedule; ask for a shorter one.");
        }

        // Logical dates are stored in UTC, and SQLite compares by wall-clock ticks: the bounds too.
        var runs = await db.Runs.AsNoTracking()
            .Where(r => r.JobId == jobId && r.ParentRunId == null && r.BackfillId == null
                && (r.Trigger == TriggerKind.Schedule || r.Trigger == TriggerKind.CatchUp) && r.LogicalDate >= start && r.LogicalDate <= end)
            .Select(r => new FiredRun(r.Id, r.Trigger, r.Status, r.Reason, r.LogicalDate, r.QueuedAt, r.FinishedAt))
            .ToListAsync(cancellationToken);
        var gaps = await db.ScheduleGaps.AsNoTracking().Where(g => g.JobId == jobId && g.To >= start && g.From <= end).ToListAsync(cancellationToken);
        var statuses = runs.ToDictionary(r => r.Id, r => r.Status.ToString());
        return [.. FireTimeline.Explain(periods, runs, gaps, start, end, time.GetUtcNow())
            .Select(f => new FireDocument(f.Due, FireTimeline.Name(f.Outcome), f.RunId, f.Detail)
            {
                RunStatus = f.RunId is { } id ? statuses.GetValueOrDefault(id) : null,
            })];
    }
}
