using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using EtlWeb.Core.Runs;
using EtlWeb.Data;
using Prometheus;

namespace EtlWeb.Metrics;

/// <summary>
/// EtlWeb's Prometheus metrics, in a registry of this host's own (so two hosts in one process, as in the tests, never
/// share a counter), served at /metrics (<see cref="MetricsEndpoint"/>). Recording is cheap enough for the run hot
/// path: a dictionary look-up and an interlocked add, or a histogram observation; never a database statement.
/// The run counters are kept by job id and labelled with the job's name at scrape time (<see cref="MetricsScrape"/>),
/// where the gauges that reflect the database are read too (queue depth, waiting runs, pool slots, heartbeats).
/// </summary>
public sealed class EtlMetrics
{
    /// <summary>Seconds, from a second to a day: runs and waits of ETL jobs span that.</summary>
    private static readonly double[] DurationBuckets = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400];

    /// <summary>Seconds: a fire is normally a few milliseconds late, a busy or paused node seconds.</summary>
    private static readonly double[] LatenessBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private readonly ConcurrentDictionary<int, StrongBox<long>> _started = new();
    private readonly ConcurrentDictionary<(int JobId, RunStatus Status), StrongBox<long>> _ended = new();

    public EtlMetrics()
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        DotNetStats.Register(Registry);
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        RunsStarted = factory.CreateCounter("etlweb_runs_started_total", "Runs whose first attempt started, by job.", "job_name");
        RunsEnded = factory.CreateCounter(
            "etlweb_runs_ended_total", "Runs that reached a final status, by job and status (also those that never started: Skipped, UpstreamFailed, cancelled while queued).", "job_name", "status");
        RunDuration = factory.CreateHistogram(
            "etlweb_run_duration_seconds", "From a run's start to its end (all its attempts and retry delays), by final status.",
            new HistogramConfiguration { LabelNames = ["status"], Buckets = DurationBuckets });
        QueueWait = factory.CreateHistogram(
            "etlweb_attempt_queue_wait_seconds", "From an attempt being queued (a retry: being due) to its start on a node.",
            new HistogramConfiguration { Buckets = DurationBuckets });
        AttemptsRunning = factory.CreateGauge("etlweb_attempts_running", "Attempts whose process runs on this node now.");
        AttemptsQueued = factory.CreateGauge("etlweb_attempts_queued", "Queue depth: attempts queued and not running yet, retries waiting for their delay included (all nodes).");
        RunsWaiting = factory.CreateGauge("etlweb_runs_waiting", "Runs waiting for their upstream jobs or their overlap policy (all nodes).");
        SchedulerLateness = factory.CreateHistogram(
            "etlweb_scheduler_lateness_seconds", "How long after its due time the scheduler triggered a Cron or Interval fire.",
            new HistogramConfiguration { Buckets = LatenessBuckets });
        LogLinesStored = factory.CreateCounter("etlweb_log_lines_stored_total", "Log lines of attempts written to the database by this node.");
        NotificationFailures = factory.CreateCounter(
            "etlweb_notification_failures_total", "Notification tries that failed, by channel and by whether it is tried again (retrying) or not (failed).", "channel", "outcome");
        PoolSlotsUsed = factory.CreateGauge("etlweb_pool_slots_used", "Slots of each pool its running attempts hold (all nodes).", "pool");
        PoolSlots = factory.CreateGauge("etlweb_pool_slots", "Slots of each pool.", "pool");
        HeartbeatAge = factory.CreateGauge("etlweb_node_heartbeat_age_seconds", "Seconds since each running node's last heartbeat (stopped nodes are left out).", "node");
    }

    public CollectorRegistry Registry { get; }

    internal Counter RunsStarted { get; }

    internal Counter RunsEnded { get; }

    internal Histogram RunDuration { get; }

    internal Histogram QueueWait { get; }

    internal Gauge AttemptsRunning { get; }

    internal Gauge AttemptsQueued { get; }

    internal Gauge RunsWaiting { get; }

    internal Gauge PoolSlotsUsed { get; }

    internal Gauge PoolSlots { get; }

    internal Histogram SchedulerLateness { get; }

    internal Counter LogLinesStored { get; }

    internal Counter NotificationFailures { get; }

    internal Gauge HeartbeatAge { get; }

    /// <summary>
    /// A run's committed change, with the attempt it is about: a first attempt that started starts the run; a final
    /// status ends it (once: a final status never changes, and each transition is published once).
    /// </summary>
    public void RunChanged(Run run, Attempt? attempt)
    {
        if (run.Status.IsTerminal())
        {
            Add(_ended, (run.JobId, run.Status));
            if (run is { StartedAt: { } started, FinishedAt: { } finished })
            {
                RunDuration.WithLabels(run.Status.ToString()).Observe(Seconds(finished - started));
            }
        }
        else if (attempt is { Number: 1, Status: AttemptStatus.Running } && run.Status == RunStatus.Running)
        {
            Add(_started, run.JobId);
        }
    }

    /// <summary>A scheduled fire's run was made (or joined) <paramref name="late"/> after its due time; a pre-staged fire, made before it, is not late.</summary>
    public void FireTriggered(TimeSpan late) => SchedulerLateness.Observe(Seconds(late > TimeSpan.Zero ? late : TimeSpan.Zero));

    public void LogLinesWritten(long lines) => LogLinesStored.Inc(lines);

    public void NotificationFailed(NotificationChannel channel, bool retrying) =>
        NotificationFailures.WithLabels(channel.ToString().ToLowerInvariant(), retrying ? "retrying" : "failed").Inc();

    public void RunningAttemptsChanged(int count) => AttemptsRunning.Set(count);

    /// <summary>The run counters as they stand, by job id, for the scrape to label.</summary>
    internal IEnumerable<(int JobId, long Count)> StartedCounts => _started.Select(e => (e.Key, Interlocked.Read(ref e.Value.Value)));

    internal IEnumerable<(int JobId, RunStatus Status, long Count)> EndedCounts =>
        _ended.Select(e => (e.Key.JobId, e.Key.Status, Interlocked.Read(ref e.Value.Value)));

    internal static double Seconds(TimeSpan span) => Math.Max(span.TotalSeconds, 0);

    private static void Add<TKey>(ConcurrentDictionary<TKey, StrongBox<long>> counts, TKey key)
        where TKey : notnull =>
        Interlocked.Increment(ref counts.GetOrAdd(key, static _ => new StrongBox<long>()).Value);
}
