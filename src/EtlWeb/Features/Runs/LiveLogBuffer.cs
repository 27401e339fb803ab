using EtlWeb.Core.Runs;

namespace EtlWeb.Features.Runs;

/// <summary>
/// Live lines on their way from the broadcaster's thread to a viewer. Batches that arrive while the viewer is
/// still busy with an earlier one are merged into a single drain, and only the newest <c>capacity</c> lines are
/// kept: a viewer that cannot keep up with a fast log skips ahead instead of falling ever further behind.
/// </summary>
public sealed class LiveLogBuffer(int capacity)
{
    private readonly Lock _gate = new();
    private List<LogLine> _lines = [];
    private bool _drainPending;

    /// <summary>Adds a batch; true when no drain is pending yet, so the caller must schedule one.</summary>
    public bool Add(IReadOnlyList<LogLine> batch)
    {
        lock (_gate)
        {
            if (batch.Count >= capacity)
            {
                _lines = [.. batch.Skip(batch.Count - capacity)];
            }
            else
            {
                _lines.AddRange(batch);
                if (_lines.Count > capacity)
                {
                    _lines.RemoveRange(0, _lines.Count - capacity);
                }
            }

            if (_drainPending)
            {
                return false;
            }

            _drainPending = true;
            return true;
        }
    }

    /// <summary>Everything waiting, oldest first; the next <see cref="Add"/> schedules a new drain.</summary>
    public IReadOnlyList<LogLine> Take()
    {
        lock (_gate)
        {
            var lines = _lines;
            _lines = [];
            _drainPending = false;
            return lines;
        }
    }
}
