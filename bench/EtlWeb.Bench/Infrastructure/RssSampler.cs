namespace EtlWeb.Bench.Infrastructure;

/// <summary>Samples a process's resident memory every 50 ms and keeps the peak, until disposed.</summary>
public sealed class RssSampler : IAsyncDisposable
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(50);

    private readonly int _pid;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _peak;

    public RssSampler(int pid)
    {
        _pid = pid;
        Baseline = ProcFs.ResidentBytes(pid);
        _peak = Baseline;
        _loop = SampleAsync();
    }

    public long Baseline { get; }

    public long Peak => Interlocked.Read(ref _peak);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private async Task SampleAsync()
    {
        using var timer = new PeriodicTimer(Period);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                var now = ProcFs.ResidentBytes(_pid);
                if (now > Interlocked.Read(ref _peak))
                {
                    Interlocked.Exchange(ref _peak, now);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped by DisposeAsync.
        }
    }
}
