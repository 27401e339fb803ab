using EtlWeb.Core.Jobs;
using EtlWeb.Core.Runs;
using EtlWeb.Core.Scheduling;
using EtlWeb.Data;
using EtlWeb.Metrics;
using EtlWeb.Realtime;
using EtlWeb.Security;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Orchestration;

/// <summary>
/// The one scheduler: it runs on the node that holds the <see cref="SchedulerLease"/>, and starts or stops as that
/// node gains or loses it (each fire is also recorded with its run, so one due time makes one run). It keeps every enabled Cron or Interval job's next due time in memory and arms a single
/// timer (from the injected TimeProvider) for the earliest; shortly before the due instant it pre-stages the due jobs'
/// pipeline runs (<see cref="PrestageLead"/>), or triggers them at the instant. Job changes re-plan the changed jobs at once.
/// On start it applies each job's misfire policy once.
/// </summary>
public sealed partial class Scheduler : IHostedService, IDisposable
{
    private readonly IDbContextFactory<EtlDbContext> _dbFactory;
    private readonly RunEngine _engine;
    private readonly ScheduleStateStore _states;
    private readonly JobChangeFeed _changes;
    private readonly TimeProvider _time;
    private readonly SchedulerLease _lease;
    private readonly ILogger<Scheduler> _logger;
    private readonly EtlMetrics _metrics;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly FirePlan _plan = new();
    private readonly ITimer _timer;
    private IDisposable? _subscription;
    private IDisposable? _leaseSubscription;

    public Scheduler(
        IDbContextFactory<EtlDbContext> dbFactory, RunEngine engine, ScheduleStateStore states, JobChangeFeed changes, TimeProvider time, SchedulerLease lease, EtlMetrics metrics, ILogger<Scheduler> logger)
    {
        _dbFactory = dbFactory;
        _engine = engine;
        _states = states;
        _changes = changes;
        _time = time;
        _lease = lease;
        _logger = logger;
        _metrics = metrics;
        // A timer keeps the context it was made in: its fires are the engine's, whoever first asked for the scheduler.
        using (CurrentActor.AsSystem())
        {
            _timer = time.CreateTimer(_ => _ = TickAsync(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>When the timer last woke the scheduler.</summary>
    public DateTimeOffset? LastTick { get; private set; }

    /// <summary>When the timer is armed to wake the scheduler next; null while it is not armed. The scheduler is alive while this is not long past.</summary>
    public DateTimeOffset? WakeAt { get; private set; }

    /// <summary>
    /// The earliest fire planned, published once a pass or a re-plan has finished: every fire due before it has been
    /// triggered (its run made). Null while nothing is planned, or this node does not schedule.
    /// </summary>
    public DateTimeOffset? NextFire { get; private set; }

    /// <summary>Whether this node schedules (it holds the lease); otherwise another web node does.</summary>
    public bool Active => _lease.Held;

    /// <summary>When this node's scheduler started.</summary>
    public DateTimeOffset? StartedAt { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        StartedAt = _time.GetUtcNow();
        // EtlWeb's engine at work: it acts as itself, explicitly, and whatever it starts from here keeps that.
        using var system = CurrentActor.AsSystem();
        _leaseSubscription = _lease.Subscribe(held => _ = held ? BeginSafelyAsync() : PauseAsync());
        if (_lease.Held)
        {
            await BeginAsync(cancellationToken);
        }
    }

    /// <summary>Begins once the lease is taken; through a database outage it tries again for as long as the lease is held.</summary>
    private async Task BeginSafelyAsync()
    {
        try
        {
            await Persistently.RunAsync(
                async _ => _lease.Held && await BeginAsync(CancellationToken.None),
                ex => _logger.LogWarning(ex, "The scheduler could not start after this node took the lease; it tries again while it holds the lease"),
                _time,
                _stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // This node stops: nothing to begin.
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "The scheduler could not start after this node took the lease");
        }
    }

    /// <summary>Plans every scheduled job, applying each one's misfire policy once, and arms the timer; false if it had begun already.</summary>
    private async Task<bool> BeginAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_subscription is not null)
            {
                return false;
            }

            var now = _time.GetUtcNow();
            await using var db = await _dbFactory.CreateDbContextAsync(cancellationToken);
            var jobs = await db.Jobs.AsNoTracking().Where(j => j.Enabled && j.ScheduleKind != ScheduleKind.Manual).ToListAsync(cancellationToken);
            var states = await db.ScheduleStates.ToDictionaryAsync(s => s.JobId, cancellationToken);
            var calendars = await CalendarQueries.ForJobsAsync(db, jobs, cancellationToken);
            var catchUp = new List<TriggerRequest>();
            foreach (var job in jobs)
            {
                var state = states.GetValueOrDefault(job.Id) ?? new ScheduleState { JobId = job.Id, Anchor = job.UpdatedAt };
                // A fire the job's calendar removed is not a missed one.
                if (ScheduleCalculator.LatestMissed(job, state, now, calendars.Of(job)) is { } missed)
                {
                    _logger.LogInformation("Job {Job} missed its fire due {Due:O} (and any before it since {Since:O}) while EtlWeb was down; misfire policy {Policy}",
                        job.Name, missed, state.LastFireAt ?? state.Anchor, job.MisfirePolicy);
                    if (job.MisfirePolicy == MisfirePolicy.RunOnce)
                    {
                        catchUp.Add(new TriggerRequest(job.Id, TriggerKind.CatchUp, LogicalDate: missed));
                    }

                    await _states.RecordDowntimeAsync(job.Id, state.LastFireAt is { } last && last > state.Anchor ? last : state.Anchor, now, job.MisfirePolicy, cancellationToken);
                    state.LastFireAt = now;
                    await _states.SaveAsync([state], cancellationToken);
                }

                _plan.Plan(job, state, calendars.Of(job), now);
            }

            if (catchUp.Count > 0)
            {
                await _engine.TriggerAsync(catchUp, cancellationToken);
            }

            _subscription = _changes.SubscribeBatches(ids => _ = ReplanAsync(ids));
            Arm(now);
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _leaseSubscription?.Dispose();
        await _stopping.CancelAsync();
        await PauseAsync();
    }

    /// <summary>Stops firing: the lease went to another node, or this one stops.</summary>
    private async Task PauseAsync()
    {
        await _gate.WaitAsync();
        try
        {
            _subscription?.Dispose();
            _subscription = null;
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _plan.Clear();

            NextFire = null;
            WakeAt = null;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task TickAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_subscription is null)
            {
                return;
            }

            var now = _time.GetUtcNow();
            LastTick = now;
            var due = _plan.Due(now, PrestageLead);
            await HoldBusyUntilDueAsync(due, now);

            var requests = new List<TriggerRequest>();
            foreach (var planned in due)
            {
                var state = planned.State;
                if (state.SkipFireAt == planned.Due)
                {
                    await _engine.RecordSkippedAsync(planned.Job.Id, TriggerKind.Schedule, planned.Due, $"{FireTimeline.OperatorSkip}: the fire due at {planned.Due:O}.", CancellationToken.None);
                    await _states.ClearSkipAsync(planned.Job.Id, planned.Due);
                    state.SkipFireAt = null;
                }
                else
                {
                    requests.Add(new TriggerRequest(planned.Job.Id, TriggerKind.Schedule, FireAt: planned.Due));
                }

                state.LastFireAt = planned.Due;
                _plan.Plan(planned.Job, state, planned.Calendar, now);
            }

            if (requests.Count > 0)
            {
                await _engine.TriggerAsync(requests, CancellationToken.None);
                var triggered = _time.GetUtcNow();
                foreach (var request in requests)
                {
                    _metrics.FireTriggered(triggered - request.FireAt!.Value);
                }
            }

            await _states.SaveAsync(due.Select(d => d.State));
            Arm(_time.GetUtcNow());
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "The scheduler tick failed; it tries again shortly");
            Arm(_time.GetUtcNow());
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _leaseSubscription?.Dispose();
        _subscription?.Dispose();
        // The gate and the stopping source are not disposed: a host may still stop this service after disposing it, and
        // neither holds anything to release (no wait handle asked for, no timer).
        _timer.Dispose();
    }
}
