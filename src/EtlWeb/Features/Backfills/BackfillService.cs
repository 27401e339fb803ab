using EtlWeb.Core.Jobs;
using EtlWeb.Core.Runs;
using EtlWeb.Data;
using EtlWeb.Features.Runs;
using EtlWeb.Orchestration;
using EtlWeb.Security;
using EtlWeb.Settings;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Features.Backfills;

/// <summary>What creating a backfill did: the backfill (or the dry run's plan), or the bad fields, or why not at all.</summary>
public sealed record BackfillOutcome(BackfillDocument? Backfill, IDictionary<string, string[]>? Invalid = null, string? Refusal = null, bool NotFound = false);

/// <summary>
/// Backfills as an Operator uses them: plan one over a range (a dry run lists the due times and which already
/// succeeded), create it in one request (its due times are stored, the <see cref="BackfillDriver"/> starts them a
/// cap at a time), follow its progress, cancel the rest. Created and cancelled ones are audited.
/// </summary>
public sealed class BackfillService(
    IDbContextFactory<EtlDbContext> dbFactory,
    BackfillDriver driver,
    RunService runs,
    SettingsStore settings,
    CurrentActor actors,
    AuditLog audit,
    TimeProvider time)
{
    public async Task<BackfillOutcome> CreateAsync(int jobId, BackfillRequest request, CancellationToken cancellationToken = default)
    {
        actors.DemandSomewhere(EtlRoles.Operator, "backfill jobs");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId, cancellationToken) is not { } job)
        {
            return new BackfillOutcome(null, NotFound: true, Refusal: $"There is no job with id {jobId}.");
        }

        actors.Demand(EtlRoles.Operator, "backfill jobs", job.Folder);

        if (job.ScheduleKind is not (ScheduleKind.Cron or ScheduleKind.Interval))
        {
            return new BackfillOutcome(null, Refusal: $"Job '{job.Name}' has no Cron or Interval schedule: a backfill re-runs the due times of a schedule.");
        }

        if (!job.Enabled)
        {
            return new BackfillOutcome(null, Refusal: $"Job '{job.Name}' is disabled; enable it to backfill it.");
        }

        var errors = new ValidationErrors();
        var mode = Parse(request.Mode, BackfillMode.All, "mode", errors);
        var order = Parse(request.Order, BackfillOrder.Oldest, "order", errors);
        var workers = settings.Current.Execution.MaxConcurrentJobs;
        var cap = Math.Min(BackfillRules.MaxParallelLimit, Math.Max(1, workers - 1));
        var maxParallel = request.MaxParallel ?? 1;
        if (maxParallel < 1 || maxParallel > cap)
        {
            errors.Add("max_parallel", $"max_parallel must be between 1 and {cap}: a backfill leaves at least one of the {workers} worker slots to the schedule.");
        }

        if (request.From is null)
        {
            errors.Add("from", "from is required: the first instant of the range, with its offset (2026-03-01T00:00:00+01:00).");
        }

        if (request.To is null)
        {
            errors.Add("to", "to is required: the last instant of the range, with its offset.");
        }
        else if (request.From is { } start && request.To < start)
        {
            errors.Add("to", "to is before from.");
        }
        else if (request.To > time.GetUtcNow())
        {
            errors.Add("to", "to is in the future: a backfill runs due times that have passed; the schedule runs the coming ones.");
        }

        if (!errors.IsEmpty)
        {
            return new BackfillOutcome(null, errors.ToDictionary());
        }

        // In UTC: SQLite compares stored instants by their wall-clock ticks, so one offset for all keeps ranges right.
        var (from, to) = (request.From!.Value.ToUniversalTime(), request.To!.Value.ToUniversalTime());
        var anchor = await db.ScheduleStates.Where(s => s.JobId == jobId).Select(s => (DateTimeOffset?)s.Anchor).FirstOrDefaultAsync(cancellationToken) ?? job.UpdatedAt;
        var calendars = await CalendarQueries.ForJobsAsync(db, [job], cancellationToken);
        var due = BackfillRules.DueTimes(job, anchor, from, to, calendars.Of(job));
        if (due.Count > BackfillRules.MaxDueTimes)
        {
            errors.Add("to", $"The range covers more than {BackfillRules.MaxDueTimes:N0} due times; split it into shorter ranges.");
            return new BackfillOutcome(null, errors.ToDictionary());
        }

        if (due.Count == 0)
        {
            errors.Add("from", $"The schedule of '{job.Name}' has no due time between {from:u} and {to:u}.");
            return new BackfillOutcome(null, errors.ToDictionary());
        }

        var succeeded = (await db.Runs.Where(r => r.JobId == jobId && r.Status == RunStatus.Succeeded && r.ParentRunId == null && r.LogicalDate >= from && r.LogicalDate <= to)
            .Select(r => r.LogicalDate).ToListAsync(cancellationToken)).ToHashSet();
        var plan = BackfillRules.Plan(due, succeeded, mode, order);
        var backfill = new Backfill
        {
            JobId = jobId, From = from, To = to, Mode = mode, Order = order, MaxParallel = maxParallel,
            CreatedAt = time.GetUtcNow(), CreatedBy = actors.Value?.Name ?? "",
        };
        if (request.DryRun == true)
        {
            var will = plan.ToHashSet();
            var listed = order == BackfillOrder.Oldest ? due : [.. due.Reverse()];
            return new BackfillOutcome(new BackfillDocument(
                null, jobId, job.Name, from, to, mode, order, maxParallel, "DryRun", null, null, null, null,
                BackfillCounts.Of([.. plan.Select(_ => (RunStatus?)null)]),
                [.. listed.Select(d => new DueTimeDocument(d, succeeded.Contains(d), will.Contains(d), null, will.Contains(d) ? "Pending" : "Succeeded before"))]));
        }

        if (plan.Count == 0)
        {
            return new BackfillOutcome(null, Refusal: $"Every one of the {due.Count} due times already has a succeeded run; nothing to backfill.");
        }

        backfill.Items = [.. plan.Select((d, i) => new BackfillItem { Sequence = i, LogicalDate = d.ToUniversalTime() })];
        db.Backfills.Add(backfill);
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(AuditActions.BackfillCreated, job.Name,
            $"backfill {backfill.Id}: {plan.Count} due times from {from:u} to {to:u}, {request.Mode ?? "all"}, {request.Order ?? "oldest"} first, {maxParallel} at a time", cancellationToken);
        await driver.StartCreatedAsync(backfill.Id, cancellationToken);
        return new BackfillOutcome(await GetAsync(backfill.Id, cancellationToken));
    }

    public async Task<BackfillDocument?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var found = await db.Backfills.AsNoTracking().Where(b => b.Id == id)
            .Join(db.Jobs, b => b.JobId, j => j.Id, (b, j) => new { Backfill = b, j.Name }).FirstOrDefaultAsync(cancellationToken);
        if (found is null)
        {
            return null;
        }

        var items = await db.BackfillItems.AsNoTracking().Where(i => i.BackfillId == id).OrderBy(i => i.Sequence)
            .Select(i => new { i.LogicalDate, i.RunId, Status = i.Outcome ?? db.Runs.Where(r => r.Id == i.RunId).Select(r => (RunStatus?)r.Status).FirstOrDefault() })
            .ToListAsync(cancellationToken);
        var b = found.Backfill;
        return new BackfillDocument(
            b.Id, b.JobId, found.Name, b.From, b.To, b.Mode, b.Order, b.MaxParallel, BackfillDocument.StatusOf(b), b.CreatedAt, b.CreatedBy,
            b.CancelledAt, b.FinishedAt, BackfillCounts.Of([.. items.Select(i => i.Status)]),
            [.. items.Select(i => new DueTimeDocument(i.LogicalDate, false, true, i.RunId, i.Status?.ToString() ?? (b.CancelledAt is null ? "Pending" : "Not started")))]);
    }

    /// <summary>The job's latest backfills, newest first, without their due times; null when there is no such job.</summary>
    public async Task<IReadOnlyList<BackfillDocument>?> ListAsync(int jobId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await db.Jobs.AnyAsync(j => j.Id == jobId, cancellationToken))
        {
            return null;
        }

        var ids = await db.Backfills.Where(b => b.JobId == jobId).OrderByDescending(b => b.Id).Select(b => b.Id).Take(50).ToListAsync(cancellationToken);
        var list = new List<BackfillDocument>();
        foreach (var id in ids)
        {
            if (await GetAsync(id, cancellationToken) is { } backfill)
            {
                list.Add(backfill with { DueTimes = [] });
            }
        }

        return list;
    }

    /// <summary>
    /// Cancels the rest: no further due time starts, and each of its runs still waiting, queued or running is cancelled.
    /// Null when there is no such backfill; false when it had finished already.
    /// </summary>
    public async Task<bool?> CancelAsync(long id, CancellationToken cancellationToken = default)
    {
        actors.DemandSomewhere(EtlRoles.Operator, "cancel backfills");
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            if (await db.Backfills.Where(b => b.Id == id).Join(db.Jobs, b => b.JobId, j => j.Id, (b, j) => j.Folder).FirstOrDefaultAsync(cancellationToken) is not { } folder)
            {
                return null;
            }

            actors.Demand(EtlRoles.Operator, "cancel backfills", folder);
        }

        // While no top-up runs here: one that had taken due times before the mark would start them after the list below.
        var marked = await driver.ExclusiveAsync(async () =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
            var found = await db.Backfills.Where(b => b.Id == id).Join(db.Jobs, b => b.JobId, j => j.Id, (b, j) => new { b.FinishedAt, b.CancelledAt, j.Name })
                .FirstOrDefaultAsync(CancellationToken.None);
            if (found is null || found.FinishedAt is not null || found.CancelledAt is not null)
            {
                return (Found: found is not null, Name: "", Active: (List<long>?)null);
            }

            // Marked first, so that no due time is taken any more (the take checks it); then what was started is stopped.
            await db.Backfills.Where(b => b.Id == id && b.CancelledAt == null).ExecuteUpdateAsync(u => u.SetProperty(b => b.CancelledAt, time.GetUtcNow()), CancellationToken.None);
            var running = await db.Runs.Where(r => r.BackfillId == id && (r.Status == RunStatus.Waiting || r.Status == RunStatus.Queued || r.Status == RunStatus.Running))
                .Select(r => r.Id).ToListAsync(CancellationToken.None);
            return (Found: true, found.Name, Active: running);
        });
        if (marked.Active is not { } active)
        {
            return marked.Found ? false : null;
        }

        var jobName = marked.Name;

        foreach (var runId in active)
        {
            await runs.StopAsync(runId, cancellationToken);
        }

        await audit.RecordAsync(AuditActions.BackfillCancelled, jobName, $"backfill {id}: {active.Count} runs cancelled, the due times not started yet left out", cancellationToken);
        await driver.TopUpAsync([id], cancellationToken);
        return true;
    }

    private static T Parse<T>(string? text, T fallback, string field, ValidationErrors errors)
        where T : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        var names = Enum.GetNames<T>().Select(n => n.ToLowerInvariant()).ToList();
        var index = names.IndexOf(text.Trim().ToLowerInvariant());
        if (index < 0)
        {
            errors.Add(field, $"'{text}' is not a backfill {field}; use {string.Join(" or ", names)}.");
            return fallback;
        }

        return Enum.GetValues<T>()[index];
    }
}
