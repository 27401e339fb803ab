using EtlWeb.Core.Execution;
using EtlWeb.Core.Runs;

namespace EtlWeb.Tests.Execution;

/// <summary>Collects an attempt's lines; also notices if the runner ever called it from two threads at once.</summary>
internal sealed class ListOutput : IAttemptOutput
{
    private readonly Lock gate = new();
    private readonly List<(LogStream Stream, string Text, DateTimeOffset Timestamp)> lines = [];
    private int callers;

    public bool SawConcurrentCalls { get; private set; }

    public IReadOnlyList<(LogStream Stream, string Text, DateTimeOffset Timestamp)> Lines
    {
        get
        {
            lock (gate)
            {
                return [.. lines];
            }
        }
    }

    /// <summary>Per stream, the spool offset past the last line received: all of it counts as stored.</summary>
    private readonly long[] ends = new long[3];

    public void OnLine(LogStream stream, string text, DateTimeOffset timestamp, long spoolEnd)
    {
        Volatile.Write(ref ends[(int)stream - 1], spoolEnd);
        if (Interlocked.Increment(ref callers) > 1)
        {
            SawConcurrentCalls = true;
        }

        lock (gate)
        {
            lines.Add((stream, text, timestamp));
        }

        Interlocked.Decrement(ref callers);
    }

    public long Stored(LogStream stream) => Volatile.Read(ref ends[(int)stream - 1]);

    public List<string> Texts(LogStream stream) => [.. Lines.Where(line => line.Stream == stream).Select(line => line.Text)];
}
