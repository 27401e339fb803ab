using System.Diagnostics;
using Npgsql;

namespace EtlWeb.Bench.Infrastructure;

/// <summary>
/// Samples, every 10 ms until disposed, how many sessions of one PostgreSQL database wait for a lock (a row lock, an
/// advisory lock, a table lock: <c>wait_event_type = 'Lock'</c> in <c>pg_stat_activity</c>), and adds up the time they
/// spent waiting. PostgreSQL keeps no such total itself; waits shorter than the period are seen in proportion to how
/// often they happen.
/// </summary>
public sealed class LockWaitSampler : IAsyncDisposable
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(10);

    private readonly NpgsqlConnection _connection;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private double _waitingSeconds;
    private int _mostWaiting;

    private LockWaitSampler(NpgsqlConnection connection)
    {
        _connection = connection;
        _loop = SampleAsync();
    }

    /// <summary>Sessions times seconds spent waiting for a lock since the sampler started.</summary>
    public double WaitingSeconds => Volatile.Read(ref _waitingSeconds);

    /// <summary>The most sessions seen waiting at once.</summary>
    public int MostWaiting => Volatile.Read(ref _mostWaiting);

    public static async Task<LockWaitSampler> StartAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return new LockWaitSampler(connection);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        await _connection.DisposeAsync();
        _stop.Dispose();
    }

    private async Task SampleAsync()
    {
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", _connection);
        using var timer = new PeriodicTimer(Period);
        var clock = Stopwatch.StartNew();
        var last = clock.Elapsed;
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                var waiting = (int)(long)(await command.ExecuteScalarAsync(_stop.Token))!;
                var now = clock.Elapsed;
                Volatile.Write(ref _waitingSeconds, _waitingSeconds + (waiting * (now - last).TotalSeconds));
                Volatile.Write(ref _mostWaiting, Math.Max(_mostWaiting, waiting));
                last = now;
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped by DisposeAsync.
        }
    }
}
