namespace EtlWeb.Features.Dashboard;

/// <summary>
/// Runs an action at most once per interval however often it is asked for: requests that come while one is
/// pending are folded into it, and a request right after a run waits out the rest of the interval.
/// </summary>
public sealed class RefreshThrottle : IDisposable
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly Func<Task> _action;
    private readonly ITimer _timer;
    private readonly Lock _gate = new();
    private bool _pending;
    private DateTimeOffset _last = DateTimeOffset.MinValue;

    public RefreshThrottle(TimeProvider time, TimeSpan interval, Func<Task> action)
    {
        _time = time;
        _interval = interval;
        _action = action;
        _timer = time.CreateTimer(_ => Fire(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public void Request()
    {
        lock (_gate)
        {
            if (_pending)
            {
                return;
            }

            _pending = true;
            var wait = _last + _interval - _time.GetUtcNow();
            _timer.Change(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
    }

    private void Fire()
    {
        lock (_gate)
        {
            _pending = false;
            _last = _time.GetUtcNow();
        }

        _ = _action();
    }

    public void Dispose() => _timer.Dispose();
}
