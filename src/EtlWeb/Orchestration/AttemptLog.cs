using System.Threading.Channels;
using EtlWeb.Core.Execution;
using EtlWeb.Core.Runs;
using EtlWeb.Realtime;

namespace EtlWeb.Orchestration;

/// <summary>
/// Where an adopted attempt's stored log ends: its line count, the bytes counted against the cap, whether it hit the
/// cap, and where its spool files are read on from.
/// </summary>
public sealed record LogResume(long Lines, long Bytes, bool Truncated, SpoolOffsets From)
{
    /// <summary>After the stored lines; past the cap, at the end of the files (nothing more is stored anyway).</summary>
    public static LogResume Of(Attempt attempt, AttemptSpool spool) => new(
        attempt.LogLines,
        attempt.LogBytes,
        attempt.LogTruncated,
        attempt.LogTruncated
            ? new SpoolOffsets(AttemptSpool.LengthOf(spool.StdoutPath), AttemptSpool.LengthOf(spool.StderrPath))
            : new SpoolOffsets(attempt.SpoolStdout, attempt.SpoolStderr));
}

/// <summary>
/// The log pipeline of one attempt: lines are encoded into chunks (never a row per line), chunks are written
/// by a background task in batched transactions, and every line is handed to live subscribers in small
/// batches. Past the byte cap one truncation marker is stored and the rest is dropped (but still drained).
/// Each batch also records on the attempt where the stored log ends (its lines, bytes, and the offsets in the
/// spool files), so an EtlWeb that restarts follows the spool on from there: no line lost, none twice.
/// </summary>
public sealed class AttemptLog : IAttemptOutput, IAsyncDisposable
{
    private const int ChunkBytes = 256 * 1024;
    private const int ChunkLines = 16 * 1024;
    private const int QueuedChunks = 64;
    private static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan GateWait = TimeSpan.FromMilliseconds(10);

    private readonly long _attemptId;
    private readonly long _maxBytes;
    private readonly RunBroadcaster _broadcaster;
    private readonly TimeProvider _time;
    private readonly LogChunkWriter _store;
    private readonly Action<long, long, long>? _stored;
    private readonly Lock _gate = new();
    private readonly Channel<(LogChunk Chunk, LogEnd End)> _chunks = Channel.CreateBounded<(LogChunk, LogEnd)>(new BoundedChannelOptions(QueuedChunks) { SingleReader = true });
    private readonly Task _writer;
    private readonly ITimer _flushTimer;
    private MemoryStream _buffer = new();
    private long _chunkFirstLine;
    private int _chunkLines;
    private long _lines;
    private long _bytes;
    private bool _truncated;
    private List<LogLine> _live = [];
    private bool _completed;

    /// <summary>Per stream (stdout, stderr), the spool offset past the last line read, and past the last line stored.</summary>
    private readonly long[] _read = new long[2];
    private readonly long[] _durable = new long[2];

    /// <param name="stored">Told (attempt, first line, end) after each batch of lines is committed: the other nodes hear of it.</param>
    /// <param name="resume">For an adopted attempt, where its stored log ends; its spool is read on from <see cref="SpoolOffsets"/>.</param>
    /// <param name="store">Stores the chunks; disposed with this log.</param>
    public AttemptLog(
        long attemptId, long maxBytes, RunBroadcaster broadcaster, TimeProvider time, LogChunkWriter store,
        Action<long, long, long>? stored = null, LogResume? resume = null)
    {
        _attemptId = attemptId;
        if (resume is not null)
        {
            _lines = _chunkFirstLine = resume.Lines;
            _bytes = resume.Bytes;
            _truncated = resume.Truncated;
            _read[0] = _durable[0] = resume.From.Stdout;
            _read[1] = _durable[1] = resume.From.Stderr;
        }

        _maxBytes = maxBytes;
        _broadcaster = broadcaster;
        _time = time;
        _store = store;
        _stored = stored;
        _writer = Task.Run(WriteChunksAsync);
        _flushTimer = time.CreateTimer(_ => Flush(), null, FlushInterval, FlushInterval);
    }

    public void OnLine(LogStream stream, string text, DateTimeOffset timestamp, long spoolEnd)
    {
        lock (_gate)
        {
            if (stream != LogStream.System)
            {
                _read[Slot(stream)] = spoolEnd;
            }

            if (_truncated)
            {
                return;
            }

            var size = text.Length + 10L;
            if (_bytes + size > _maxBytes)
            {
                _truncated = true;
                Append(LogStream.System, $"[EtlWeb] Log truncated: this attempt wrote more than {_maxBytes:N0} bytes; later lines are not stored.", timestamp);
                return;
            }

            _bytes += size;
            Append(stream, text, timestamp);
        }
    }

    /// <summary>A line EtlWeb writes into the attempt's log (start, error, kill).</summary>
    public void System(string text) => OnLine(LogStream.System, "[EtlWeb] " + text, _time.GetUtcNow(), 0);

    /// <summary>Past the cap nothing more is stored, so everything read may go; otherwise what the database holds.</summary>
    public long Stored(LogStream stream)
    {
        lock (_gate)
        {
            return _truncated ? _read[Slot(stream)] : _durable[Slot(stream)];
        }
    }

    private static int Slot(LogStream stream) => stream == LogStream.Stderr ? 1 : 0;

    /// <summary>Stores everything still buffered and waits until it is written.</summary>
    public async Task<LogTotals> CompleteAsync()
    {
        await _flushTimer.DisposeAsync();
        (LogChunk, LogEnd)? last;
        lock (_gate)
        {
            if (_completed)
            {
                return new LogTotals(_lines, _bytes, _truncated);
            }

            _completed = true;
            last = TakeChunk();
            PublishLive();
        }

        if (last is { } chunk)
        {
            await _chunks.Writer.WriteAsync(chunk);
        }

        _chunks.Writer.TryComplete();
        await _writer;
        await _store.DisposeAsync();
        return new LogTotals(_lines, _bytes, _truncated);
    }

    public async ValueTask DisposeAsync() => await CompleteAsync();

    private void Append(LogStream stream, string text, DateTimeOffset timestamp)
    {
        LogChunkCodec.Append(_buffer, timestamp, stream, text);
        if (_broadcaster.HasLogSubscribers(_attemptId))
        {
            _live.Add(new LogLine(_lines, timestamp, stream, text));
        }

        _lines++;
        _chunkLines++;
        if (_buffer.Length >= ChunkBytes || _chunkLines >= ChunkLines)
        {
            SealChunk();
        }
    }

    /// <summary>
    /// The timer's flush on a pool thread, which must never wait long: the line reader holds the gate only between
    /// two lines, unless the writer is behind, and then this tick is skipped; when the writer is behind (the database
    /// is slow or away) the lines stay buffered for a later tick.
    /// </summary>
    private void Flush()
    {
        if (!_gate.TryEnter(GateWait))
        {
            return;
        }

        try
        {
            if (_completed)
            {
                return;
            }

            if (_chunks.Reader.Count < QueuedChunks && TakeChunk() is { } chunk)
            {
                // Only this object writes to the channel, under the gate, so the room seen above is still there.
                _chunks.Writer.TryWrite(chunk);
            }

            PublishLive();
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <summary>Queues the buffered lines as a chunk; waiting here (the database is behind) slows the spool reader, the job writes on.</summary>
    private void SealChunk()
    {
        if (TakeChunk() is { } chunk && !_chunks.Writer.TryWrite(chunk))
        {
            _chunks.Writer.WriteAsync(chunk).AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>The buffered lines as a chunk with the log end after it, or null when nothing is buffered.</summary>
    private (LogChunk, LogEnd)? TakeChunk()
    {
        if (_chunkLines == 0)
        {
            return null;
        }

        var chunk = new LogChunk { AttemptId = _attemptId, FirstLine = _chunkFirstLine, LineCount = _chunkLines, Data = _buffer.ToArray() };
        _chunkFirstLine += _chunkLines;
        _chunkLines = 0;
        _buffer = new MemoryStream();
        return (chunk, new LogEnd(_chunkFirstLine, _bytes, _truncated, _read[0], _read[1]));
    }

    private void PublishLive()
    {
        if (_live.Count == 0)
        {
            return;
        }

        var batch = _live;
        _live = [];
        _broadcaster.PublishLog(_attemptId, batch);
    }

    private async Task WriteChunksAsync()
    {
        var batch = new List<LogChunk>();
        var end = default(LogEnd);
        while (await _chunks.Reader.WaitToReadAsync())
        {
            while (batch.Count < QueuedChunks && _chunks.Reader.TryRead(out var item))
            {
                batch.Add(item.Chunk);
                end = item.End;
            }

            await _store.StoreAsync(batch, end);
            lock (_gate)
            {
                _durable[0] = end.Stdout;
                _durable[1] = end.Stderr;
            }

            _stored?.Invoke(_attemptId, batch[0].FirstLine, batch[^1].FirstLine + batch[^1].LineCount);
            batch.Clear();
        }
    }
}
