namespace EtlWeb.Features.Layout;

/// <summary>
/// Collects keys of things that changed (job ids, run ids) and hands them over at most once per interval,
/// one batch at a time, so a burst of events (hundreds of run changes a second) costs one refresh of the
/// affected rows rather than one per event, and two refreshes never race each other.
/// </summary>
public sealed class ChangeBatcher<T>(TimeSpan interval, TimeProvider time, Func<IReadOnlySet<T>, Task> flush) : IDisposable
    where T : notnull
{
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private HashSet<T> _pending = [];
    private bool _flushing;

    /// <summary>Safe from any thread; the first key of a quiet period starts the countdown.</summary>
    public void Add(T key)
    {
        lock (_gate)
        {
            if (_stop.IsCancellationRequested)
            {
                return;
            }

            _pending.Add(key);
            if (_flushing)
            {
                return;
            }

            _flushing = true;
        }

        _ = FlushLoopAsync();
    }

    private async Task FlushLoopAsync()
    {
        var finished = false;
        try
        {
            var wait = interval;
            do
            {
                await Task.Delay(wait, time, _stop.Token);
                HashSet<T> batch;
                lock (_gate)
                {
                    batch = _pending;
                    _pending = [];
                }

                var started = time.GetTimestamp();
                await flush(batch);

                // A slow refresh (a big database under load) spaces the next one out, so refreshing never takes most of the time.
                var took = time.GetElapsedTime(started);
                wait = took > interval ? took : interval;
                lock (_gate)
                {
                    finished = _pending.Count == 0;
                    _flushing = !finished;
                }
            }
            while (!finished);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Disposed: the page that wanted the refresh is gone.
        }
        finally
        {
            if (!finished)
            {
                // A flush that threw must not leave later keys waiting for a loop that no longer runs.
                lock (_gate)
                {
                    _flushing = false;
                }
            }
        }
    }

    /// <summary>Stops the countdown; keys added afterwards are ignored.</summary>
    public void Dispose() => _stop.Cancel();
}
