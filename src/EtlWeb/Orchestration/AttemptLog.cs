using System.Threading.Channels;
using EtlWeb.Core.Execution;
using EtlWeb.Core.Runs;
using EtlWeb.Data;
using EtlWeb.Realtime;
using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;

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
    private static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(100);

    private readonly long _attemptId;
    private readonly long _maxBytes;
    private readonly RunBroadcaster _broadcaster;
    private readonly TimeProvider _time;
    private readonly IDbContextFactory<EtlDbContext> _dbFactory;
    private readonly Action<long, long, long>? _stored;
    private readonly Lock _gate = new();
    private readonly Channel<(LogChunk Chunk, Mark End)> _chunks = Channel.CreateBounded<(LogChunk, Mark)>(new BoundedChannelOptions(64) { SingleReader = true });
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

    /// <summary>Where the stored log ends once a chunk is stored.</summary>
    private readonly record struct Mark(long Lines, long Bytes, bool Truncated, long Stdout, long Stderr);

    /// <param name="stored">Told (attempt, first line, end) after each batch of lines is committed: the other nodes hear of it.</param>
    /// <param name="resume">For an adopted attempt, where its stored log ends; its spool is read on from <see cref="SpoolOffsets"/>.</param>
    public AttemptLog(
        long attemptId, long maxBytes, RunBroadcaster broadcaster, TimeProvider time, IDbContextFactory<EtlDbContext> dbFactory,
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
        _dbFactory = dbFactory;
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
        lock (_gate)
        {
            if (_completed)
            {
                return new LogTotals(_lines, _bytes, _truncated);
            }

            _completed = true;
            SealChunk();
            PublishLive();
            _chunks.Writer.TryComplete();
        }

        await _writer;
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

    private void Flush()
    {
        lock (_gate)
        {
            if (_completed)
            {
                return;
            }

            SealChunk();
            PublishLive();
        }
    }

    private void SealChunk()
    {
        if (_chunkLines == 0)
        {
            return;
        }

        var chunk = new LogChunk { AttemptId = _attemptId, FirstLine = _chunkFirstLine, LineCount = _chunkLines, Data = _buffer.ToArray() };
        _chunkFirstLine += _chunkLines;
        _chunkLines = 0;
        _buffer = new MemoryStream();
        var end = new Mark(_chunkFirstLine, _bytes, _truncated, _read[0], _read[1]);

        // Waiting here (the channel is full because the database is behind) slows the spool reader; the job writes on.
        if (!_chunks.Writer.TryWrite((chunk, end)))
        {
            _chunks.Writer.WriteAsync((chunk, end)).AsTask().GetAwaiter().GetResult();
        }
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
        await using var db = await _dbFactory.CreateDbContextAsync();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        var batch = new List<LogChunk>();
        var end = default(Mark);
        while (await _chunks.Reader.WaitToReadAsync())
        {
            while (batch.Count < 64 && _chunks.Reader.TryRead(out var item))
            {
                batch.Add(item.Chunk);
                end = item.End;
            }

            await InsertAsync(connection, _attemptId, batch, end);
            lock (_gate)
            {
                _durable[0] = end.Stdout;
                _durable[1] = end.Stderr;
            }

            _stored?.Invoke(_attemptId, batch[0].FirstLine, batch[^1].FirstLine + batch[^1].LineCount);
            batch.Clear();
        }
    }

    /// <summary>
    /// One insert per chunk and the attempt's log end in one transaction, below EF Core (no tracking, no per-row
    /// overhead); plain ADO.NET with quoted names and @ parameters, which both SQLite and PostgreSQL read.
    /// </summary>
    private static async Task InsertAsync(DbConnection connection, long attemptId, List<LogChunk> batch, Mark end)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO log_chunks (\"AttemptId\", \"FirstLine\", \"LineCount\", \"Data\") VALUES (@a, @f, @c, @d)";
        var attempt = Add(command, "@a", DbType.Int64);
        var first = Add(command, "@f", DbType.Int64);
        var count = Add(command, "@c", DbType.Int32);
        var data = Add(command, "@d", DbType.Binary);
        foreach (var chunk in batch)
        {
            attempt.Value = chunk.AttemptId;
            first.Value = chunk.FirstLine;
            count.Value = chunk.LineCount;
            data.Value = chunk.Data;
            await command.ExecuteNonQueryAsync();
        }

        await using var mark = connection.CreateCommand();
        mark.Transaction = transaction;
        mark.CommandText = "UPDATE attempts SET \"LogLines\" = @l, \"LogBytes\" = @b, \"LogTruncated\" = @t, \"SpoolStdout\" = @o, \"SpoolStderr\" = @e WHERE \"Id\" = @a";
        Add(mark, "@l", DbType.Int64).Value = end.Lines;
        Add(mark, "@b", DbType.Int64).Value = end.Bytes;
        Add(mark, "@t", DbType.Boolean).Value = end.Truncated;
        Add(mark, "@o", DbType.Int64).Value = end.Stdout;
        Add(mark, "@e", DbType.Int64).Value = end.Stderr;
        Add(mark, "@a", DbType.Int64).Value = attemptId;
        await mark.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
    }

    private static DbParameter Add(DbCommand command, string name, DbType type)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = type;
        command.Parameters.Add(parameter);
        return parameter;
    }
}
