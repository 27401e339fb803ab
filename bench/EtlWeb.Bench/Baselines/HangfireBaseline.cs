using System.Diagnostics;
using Hangfire;
using Hangfire.Storage.SQLite;

namespace EtlWeb.Bench.Baselines;

/// <summary>
/// Plain Hangfire in this process with the storage settings EtlWeb uses (OrchestrationExtensions): SQLite in
/// WAL mode, 5 s queue poll, 10 min invisibility timeout, 2 s schedule polling, the same worker count. It has
/// no wake-up on enqueue: that is what the comparison is about.
/// </summary>
public sealed class HangfireBaseline : IDisposable
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(60);

    private readonly BackgroundJobServer _server;
    private readonly BackgroundJobClient _client;

    public HangfireBaseline(string directory, int workerCount)
    {
        Directory.CreateDirectory(directory);
        GlobalConfiguration.Configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings();
        // The same storage settings as EtlWeb, connection pragmas included.
        var storage = EtlWeb.Orchestration.HangfireSqlite.Create(Path.Combine(directory, "hangfire.db"), new SQLiteStorageOptions
        {
            QueuePollInterval = TimeSpan.FromSeconds(BenchSettings.QueuePollSeconds),
            InvisibilityTimeout = TimeSpan.FromMinutes(10),
            JournalMode = SQLiteStorageOptions.JournalModes.WAL,
        });
        _client = new BackgroundJobClient(storage);
        _server = new BackgroundJobServer(
            new BackgroundJobServerOptions { WorkerCount = workerCount, SchedulePollingInterval = TimeSpan.FromSeconds(2) },
            storage);
    }

    /// <summary>Enqueues one job and waits for it, so that the server's workers are up before measuring.</summary>
    public Task WarmUpAsync() => DispatchMillisecondsAsync(-1);

    /// <summary>How long <c>Enqueue</c> took, and the time from just before it to the job method starting, in ms.</summary>
    public async Task<(double Enqueue, double Start)> DispatchMillisecondsAsync(int token)
    {
        var started = BaselineJobs.Expect(token);
        var before = Stopwatch.GetTimestamp();
        _client.Enqueue(() => BaselineJobs.Started(token));
        var enqueued = Stopwatch.GetElapsedTime(before).TotalMilliseconds;
        var at = await started.WaitAsync(JobTimeout);
        return (enqueued, Stopwatch.GetElapsedTime(before, at).TotalMilliseconds);
    }

    /// <summary>
    /// Enqueues <paramref name="count"/> empty jobs with <paramref name="inFlight"/> callers at once. Jobs per second
    /// from the first enqueue to the last job, and from the first job to the last: plain Hangfire has no wake-up, so
    /// its workers find a burst only at their next queue poll, which the second figure leaves out.
    /// </summary>
    public async Task<(double FromEnqueue, double FromFirstJob)> ThroughputPerSecondAsync(int count, int inFlight)
    {
        var done = BaselineJobs.ExpectCount(count);
        var before = Stopwatch.GetTimestamp();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = inFlight }, (_, _) =>
        {
            _client.Enqueue(() => BaselineJobs.Counted());
            return ValueTask.CompletedTask;
        });
        var at = await done.WaitAsync(TimeSpan.FromMinutes(5));
        return (count / Stopwatch.GetElapsedTime(before, at).TotalSeconds, count / Stopwatch.GetElapsedTime(BaselineJobs.FirstCountedAt, at).TotalSeconds);
    }

    public void Dispose() => _server.Dispose();
}
