namespace EtlWeb.Bench;

/// <summary>What EtlWeb and its baselines share in every scenario.</summary>
public static class BenchSettings
{
    /// <summary>
    /// EtlWeb's default MaxConcurrentJobs, set explicitly so that the baseline's worker count matches it;
    /// BENCH_WORKERS measures another count (for example what a burst of simultaneous fires would need).
    /// </summary>
    public static readonly int WorkerCount = int.TryParse(Environment.GetEnvironmentVariable("BENCH_WORKERS"), out var workers) && workers > 0 ? workers : 5;

    /// <summary>
    /// Hangfire's QueuePollInterval in the baseline: a plain Hangfire server finds new work only by polling. EtlWeb's
    /// workers are woken at each enqueue and poll every <see cref="EtlWebQueuePollSeconds"/> as a safety net.
    /// </summary>
    public const double QueuePollSeconds = 5;

    /// <summary>Hangfire's QueuePollInterval in EtlWeb on SQLite (OrchestrationExtensions).</summary>
    public const double EtlWebQueuePollSeconds = 30;

    public static Dictionary<string, string> App() => new() { ["EtlWeb__MaxConcurrentJobs"] = WorkerCount.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    /// <summary>A node of a PostgreSQL cluster: a worker, or a web node that runs no attempts.</summary>
    public static Dictionary<string, string> PostgresNode(string database, string name, bool worker)
    {
        var settings = App();
        settings["EtlWeb__Database__Provider"] = "PostgreSql";
        settings["EtlWeb__Database__ConnectionString"] = database;
        settings["EtlWeb__Node__Name"] = name;
        settings[worker ? "EtlWeb__Node__Role" : "EtlWeb__Node__RunsAttempts"] = worker ? "Worker" : "false";
        return settings;
    }

    public static string AppDirectory(string dataDirectory) => Path.Combine(dataDirectory, "etlweb");

    public static string BaselineDirectory(string dataDirectory) => Path.Combine(dataDirectory, "baseline");
}
