namespace EtlWeb.Bench;

/// <summary>What EtlWeb and its baselines share in every scenario.</summary>
public static class BenchSettings
{
    /// <summary>
    /// EtlWeb's default MaxConcurrentJobs, set explicitly so that the baseline's worker count matches it;
    /// BENCH_WORKERS measures another count (for example what a burst of simultaneous fires would need).
    /// </summary>
    public static readonly int WorkerCount = int.TryParse(Environment.GetEnvironmentVariable("BENCH_WORKERS"), out var workers) && workers > 0 ? workers : 5;

    /// <summary>Hangfire's QueuePollInterval in EtlWeb (OrchestrationExtensions) and in the baseline.</summary>
    public const double QueuePollSeconds = 5;

    public static Dictionary<string, string> App() => new() { ["EtlWeb__MaxConcurrentJobs"] = WorkerCount.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    public static string AppDirectory(string dataDirectory) => Path.Combine(dataDirectory, "etlweb");

    public static string BaselineDirectory(string dataDirectory) => Path.Combine(dataDirectory, "baseline");
}
