using EtlWeb.Configuration;
using EtlWeb.Core.Jobs;
using EtlWeb.Core.Runs;
using EtlWeb.Core.Scheduling;
using EtlWeb.Data;
using EtlWeb.Orchestration;
using EtlWeb.Realtime;
using EtlWeb.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EtlWeb.Features.Notifications;

/// <summary>
/// The alerts no run event announces, checked on a timer: an attempt running past a multiple of its job's usual
/// (p95) duration, once per run; and a scheduled fire that produced no run within the grace period, once per fire.
/// On a single node it sleeps while no attempt is queued or running, until a watched fire could be missed, an attempt
/// is handed to the queue or a job changes (<see cref="AlertRules.QuietFor"/>): an idle EtlWeb reads nothing.
/// </summary>
public sealed class AlertWatch(
    IDbContextFactory<EtlDbContext> dbFactory,
    NotificationOutbox outbox,
    TimeProvider time,
    IOptions<DeliveryOptions> options,
    SchedulerLease lease,
    RunQueue queue,
    JobChangeFeed jobChanges,
    NodeLiveness liveness,
    ILogger<AlertWatch> logger) : BackgroundService
{
    // A long downtime is reported for its latest fires, not as a flood of one message per missed interval.
    private const int MaxFiresPerCheck = 50;
    private readonly SemaphoreSlim _looking = new(1, 1);

    /// <summary>True while it sleeps between looks (<see cref="AlertRules.QuietFor"/>), false while it looks at every tick.</summary>
    public bool Sleeping { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // EtlWeb's engine at work: it acts as itself, explicitly, and whatever it starts from here keeps that.
        using var system = CurrentActor.AsSystem();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.CheckIntervalSeconds), time);
        try
        {
            // The first look is made at start: fires missed while EtlWeb was down are reported at once.
            do
            {
                if (!lease.Held)
                {
                    // Another web node holds the lease and checks for the whole cluster.
                    continue;
                }

                // Taken before the look, so an attempt queued or a job changed while it reads wakes the sleep after it.
                var activity = queue.Activity;
                var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                using var hearing = jobChanges.Subscribe(_ => changed.TrySetResult());
                var quiet = TimeSpan.Zero;
                try
                {
                    quiet = await LookAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogError(ex, "Checking for long-running and missed jobs failed; tried again at the next tick");
                }

                if (quiet != TimeSpan.Zero)
                {
                    using var woken = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                    Sleeping = true;
                    await Task.WhenAny(activity, changed.Task, Task.Delay(quiet, time, woken.Token));
                    Sleeping = false;
                    await woken.CancelAsync();
                    stoppingToken.ThrowIfCancellationRequested();
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>
    /// Raises the alerts due now: attempts running longer than usual, watched fires that made no run. Looks run one at
    /// a time, so two never raise the same alert. Answers how long the watch may sleep after it (<see cref="AlertRules.QuietFor"/>).
    /// </summary>
    public async Task<TimeSpan> LookAsync(CancellationToken cancellationToken)
    {
        await _looking.WaitAsync(cancellationToken);
        try
        {
            await CheckLongRunningAsync(cancellationToken);
            var nextFire = await CheckMissedAsync(cancellationToken);
            return AlertRules.QuietFor(await AnyAttemptActiveAsync(cancellationToken), liveness.Beats, time.GetUtcNow(), nextFire, Grace);
        }
        finally
        {
            _looking.Release();
        }
    }

    public override void Dispose()
    {
        _looking.Dispose();
        base.Dispose();
    }

    private async Task CheckLongRunningAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var running = await db.Attempts.AsNoTracking()
            .Where(a => a.Status == AttemptStatus.Running && a.StartedAt != null)
            .Join(db.Runs, a => a.RunId, r => r.Id, (a, r) => new { Attempt = a, r.JobId })
            .Join(db.Jobs.Where(j => j.NotifyLongRunning > 0), x => x.JobId, j => j.Id, (x, j) => new { x.Attempt, Job = j })
            .ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        foreach (var item in running)
        {
            var runId = item.Attempt.RunId;
            if (await db.Notifications.AnyAsync(n => n.RunId == runId && n.Kind == NotificationKind.LongRunning, cancellationToken))
            {
                continue;
            }

            var jobId = item.Job.Id;
            var samples = await db.Attempts.AsNoTracking()
                .Where(a => a.Status == AttemptStatus.Succeeded && a.StartedAt != null && a.FinishedAt != null && db.Runs.Any(r => r.Id == a.RunId && r.JobId == jobId))
                .OrderByDescending(a => a.FinishedAt)
                .Take(options.Value.DurationSample)
                .Select(a => new { a.StartedAt, a.FinishedAt })
                .ToListAsync(cancellationToken);
            if (samples.Count < options.Value.MinimumDurationSample || AlertRules.P95([.. samples.Select(s => s.FinishedAt!.Value - s.StartedAt!.Value)]) is not { } usual)
            {
                continue;
            }

            var elapsed = now - item.Attempt.StartedAt!.Value;
            if (elapsed <= usual * item.Job.NotifyLongRunning)
            {
                continue;
            }

            var detail = $"Attempt {item.Attempt.Number} has run for {RunSummary.FormatDuration(elapsed)}: more than {item.Job.NotifyLongRunning:0.##} × its usual " +
                $"{RunSummary.FormatDuration(usual)} (p95 of the last {samples.Count} successful attempts).";
            await outbox.RaiseAsync(item.Job, runId, new Alert(NotificationKind.LongRunning, detail), null, cancellationToken);
        }
    }

    private TimeSpan Grace => TimeSpan.FromMinutes(options.Value.MissedGraceMinutes);

    private async Task<bool> AnyAttemptActiveAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Attempts.AnyAsync(a => a.Status == AttemptStatus.Queued || a.Status == AttemptStatus.Running, cancellationToken);
    }

    /// <summary>Raises an alert for each watched fire that produced no run within the grace; answers the first watched fire not yet checked.</summary>
    private async Task<DateTimeOffset?> CheckMissedAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var watched = await db.Jobs.AsNoTracking()
            .Where(j => j.Enabled && j.NotifyMissed && j.ScheduleKind != ScheduleKind.Manual)
            .Join(db.ScheduleStates.AsNoTracking(), j => j.Id, s => s.JobId, (j, s) => new { Job = j, State = s })
            .ToListAsync(cancellationToken);
        var grace = Grace;
        var now = time.GetUtcNow();
        var until = now - grace;
        var calendars = await CalendarQueries.ForJobsAsync(db, watched.Select(w => w.Job), cancellationToken);
        DateTimeOffset? nextToCheck = null;
        foreach (var (job, state) in watched.Select(w => (w.Job, w.State)))
        {
            if (ScheduleCalculator.NextAfter(job, state.Anchor, until, calendars.Of(job)) is { } next && (nextToCheck is null || next < nextToCheck))
            {
                nextToCheck = next;
            }

            // Fires from the last day at most, and none before the schedule took effect.
            var since = state.Anchor > now - TimeSpan.FromDays(1) ? state.Anchor : now - TimeSpan.FromDays(1);
            var fires = Fires(job, state, calendars.Of(job), since, until);
            if (fires.Count == 0)
            {
                continue;
            }

            var first = fires[0] - TimeSpan.FromSeconds(5);
            var scheduled = new[] { TriggerKind.Schedule, TriggerKind.CatchUp };
            var runTimes = await db.Runs.AsNoTracking()
                .Where(r => r.JobId == job.Id && scheduled.Contains(r.Trigger) && r.QueuedAt >= first)
                .Select(r => r.QueuedAt).ToListAsync(cancellationToken);
            runTimes.AddRange(await db.RunRequests.AsNoTracking()
                .Where(q => scheduled.Contains(q.Trigger) && q.RequestedAt >= first && db.Runs.Any(r => r.Id == q.RunId && r.JobId == job.Id))
                .Select(q => q.RequestedAt).ToListAsync(cancellationToken));
            var alerted = (await db.Notifications.AsNoTracking()
                .Where(n => n.JobId == job.Id && n.Kind == NotificationKind.Missed && n.FireTime != null)
                .Select(n => n.FireTime!.Value).ToListAsync(cancellationToken)).ToHashSet();
            foreach (var fire in fires)
            {
                if (alerted.Contains(fire) || runTimes.Any(t => t >= fire - TimeSpan.FromSeconds(5) && t <= fire + grace))
                {
                    continue;
                }

                var detail = $"The scheduled fire due at {fire:yyyy-MM-dd HH:mm:ss} UTC produced no run within {options.Value.MissedGraceMinutes:0.#} min.";
                if (await outbox.RaiseAsync(job, null, new Alert(NotificationKind.Missed, detail), fire, cancellationToken) == 0)
                {
                    logger.LogWarning("Job {JobId} did not run at its fire due {Due}, and it names nobody to tell", job.Id, fire);
                }
            }
        }

        return nextToCheck;
    }

    /// <summary>The due times in [since, until], latest <see cref="MaxFiresPerCheck"/>, leaving out paused ones and those the job's calendar removed.</summary>
    private static List<DateTimeOffset> Fires(Job job, ScheduleState state, CalendarDays? calendar, DateTimeOffset since, DateTimeOffset until)
    {
        var fires = new List<DateTimeOffset>();
        var next = ScheduleCalculator.NextAfter(job, state.Anchor, since - TimeSpan.FromTicks(1), calendar);
        while (next is { } due && due <= until)
        {
            if (state.PausedUntil is not { } paused || due >= paused)
            {
                fires.Add(due);
            }

            next = ScheduleCalculator.NextAfter(job, state.Anchor, due, calendar);
        }

        return fires.Count > MaxFiresPerCheck ? fires[^MaxFiresPerCheck..] : fires;
    }
}
