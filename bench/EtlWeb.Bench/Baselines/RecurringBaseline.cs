using System.Collections.Concurrent;
using Hangfire;
using Hangfire.Server;
using Hangfire.Storage.SQLite;

namespace EtlWeb.Bench.Baselines;

/// <summary>
/// Hangfire recurring jobs with Hangfire's default settings (and the SQLite storage's defaults): each job
/// notes when it started and the time its background job was created for. Hangfire records that due time in
/// whole seconds; a fire it skipped is simply missing.
/// </summary>
public sealed class RecurringBaseline : IDisposable
{
    private static readonly ConcurrentBag<double> Lateness = [];
    private readonly string _directory;
    private BackgroundJobServer? _server;

    public RecurringBaseline(string directory)
    {
        _directory = directory;
        Directory.CreateDirectory(directory);
    }

    public async Task<IReadOnlyList<double>> LatenessMillisecondsAsync(int jobs, TimeSpan window)
    {
        GlobalConfiguration.Configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings();
        var storage = new SQLiteStorage(Path.Combine(_directory, "recurring.db"), new SQLiteStorageOptions());
        var manager = new RecurringJobManager(storage);
        for (var i = 0; i < jobs; i++)
        {
            manager.AddOrUpdate($"tick-{i}", () => Tick(null!), "* * * * * *");
        }

        Lateness.Clear();
        _server = new BackgroundJobServer(new BackgroundJobServerOptions(), storage);
        await Task.Delay(window);
        _server.SendStop();
        return [.. Lateness];
    }

    [AutomaticRetry(Attempts = 0)]
    public static void Tick(PerformContext context)
    {
        var now = TimeProvider.System.GetUtcNow();
        var due = context.GetJobParameter<long?>("Time") is { } seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : context.BackgroundJob.CreatedAt;
        Lateness.Add((now - due).TotalMilliseconds);
    }

    public void Dispose() => _server?.Dispose();
}
