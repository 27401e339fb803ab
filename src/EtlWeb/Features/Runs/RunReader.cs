using System.Runtime.CompilerServices;
using EtlWeb.Core.Runs;
using EtlWeb.Data;
using EtlWeb.Features.Notifications;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Features.Runs;

/// <summary>Reads run history and stored logs.</summary>
public sealed class RunReader(IDbContextFactory<EtlDbContext> dbFactory, WaitReasonReader waits)
{
    private const int ChunksPerQuery = 32;

    /// <param name="logicalFrom">Only runs whose logical date is at or after this instant.</param>
    /// <param name="logicalTo">Only runs whose logical date is at or before this instant.</param>
    public async Task<IReadOnlyList<RunDocument>> ListAsync(
        int? jobId, RunStatus? status, int limit, DateTimeOffset? logicalFrom = null, DateTimeOffset? logicalTo = null, long? backfillId = null,
        CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var runs = db.Runs.AsNoTracking().Include(r => r.Attempts).AsQueryable();
        if (jobId is not null)
        {
            runs = runs.Where(r => r.JobId == jobId);
        }

        // Logical dates are stored in UTC, and SQLite compares by wall-clock ticks: the bounds too.
        if (logicalFrom?.ToUniversalTime() is { } from)
        {
            runs = runs.Where(r => r.LogicalDate >= from);
        }

        if (logicalTo?.ToUniversalTime() is { } to)
        {
            runs = runs.Where(r => r.LogicalDate <= to);
        }

        if (backfillId is not null)
        {
            runs = runs.Where(r => r.BackfillId == backfillId);
        }

        if (status is not null)
        {
            runs = runs.Where(r => r.Status == status);
        }

        var page = await runs.OrderByDescending(r => r.Id).Take(Math.Clamp(limit, 1, 1000))
            .Join(db.Jobs, r => r.JobId, j => j.Id, (r, j) => new { Run = r, j.Name })
            .ToListAsync(cancellationToken);
        var ids = page.Select(p => p.Run.Id).ToList();
        var requests = (await db.RunRequests.AsNoTracking().Where(q => ids.Contains(q.RunId)).ToListAsync(cancellationToken)).ToLookup(q => q.RunId);
        var reasons = await waits.DescribeAsync(db, [.. page.Select(p => p.Run)], cancellationToken);
        var hidden = await HiddenNames.OfAsync(db, cancellationToken);
        return [.. page.Select(p => hidden.Apply(RunDocument.From(p.Run, p.Name, requests[p.Run.Id]), reasons.GetValueOrDefault(p.Run.Id)))];
    }

    public async Task<RunDocument?> GetAsync(long runId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var found = await db.Runs.AsNoTracking().Include(r => r.Attempts).Where(r => r.Id == runId)
            .Join(db.Jobs, r => r.JobId, j => j.Id, (r, j) => new { Run = r, j.Name })
            .FirstOrDefaultAsync(cancellationToken);
        if (found is null)
        {
            return null;
        }

        var requests = await db.RunRequests.AsNoTracking().Where(q => q.RunId == runId).ToListAsync(cancellationToken);
        var notifications = await db.Notifications.AsNoTracking().Where(n => n.RunId == runId).OrderBy(n => n.Id).ToListAsync(cancellationToken);
        var items = await db.Runs.Where(r => r.ParentRunId == runId).OrderBy(r => r.ItemIndex)
            .Select(r => new RunItemDocument(r.ItemIndex!.Value, r.Item!, r.Id, r.Status.ToString())).ToListAsync(cancellationToken);
        var reasons = await waits.DescribeAsync(db, [found.Run], cancellationToken);
        var hidden = await HiddenNames.OfAsync(db, cancellationToken);
        return hidden.Apply(RunDocument.From(found.Run, found.Name, requests), reasons.GetValueOrDefault(runId)) with
        {
            Notifications = [.. notifications.Select(NotificationDocument.From)],
            Items = items.Count == 0 ? null : items,
        };
    }

    /// <summary>The last <paramref name="count"/> stored lines of an attempt, decoded from the chunks that hold them only.</summary>
    public async Task<LogPage> ReadTailAsync(long attemptId, int count, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var stored = await StoredLinesAsync(db, attemptId, cancellationToken);
        return new LogPage(await ReadLinesAsync(db, attemptId, Math.Max(0, stored - count), stored, cancellationToken), stored);
    }

    /// <summary>The stored lines numbered from <paramref name="fromLine"/> up to (not including) <paramref name="fromLine"/> + <paramref name="count"/>.</summary>
    public async Task<LogPage> ReadRangeAsync(long attemptId, long fromLine, int count, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var stored = await StoredLinesAsync(db, attemptId, cancellationToken);
        var from = Math.Max(0, fromLine);
        return new LogPage(await ReadLinesAsync(db, attemptId, from, Math.Min(stored, fromLine + count), cancellationToken), stored);
    }

    /// <summary>
    /// The number of the nearest stored line after (<paramref name="forward"/>) or before <paramref name="line"/> whose
    /// visible text (colour codes left out) contains <paramref name="text"/>, ignoring case; null when there is none.
    /// </summary>
    public async Task<long?> FindLineAsync(long attemptId, string text, long line, bool forward, CancellationToken cancellationToken = default)
    {
        var cursor = forward ? line + 1 : line - 1;
        while (cursor >= 0)
        {
            List<LogChunk> chunks;
            await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
            {
                var from = cursor;
                var start = await ChunkHoldingAsync(db, attemptId, from, cancellationToken);
                var query = db.LogChunks.AsNoTracking().Where(c => c.AttemptId == attemptId);
                chunks = forward
                    ? await query.Where(c => c.FirstLine >= start && c.FirstLine + c.LineCount > from).OrderBy(c => c.FirstLine).Take(ChunksPerQuery).ToListAsync(cancellationToken)
                    : await query.Where(c => c.FirstLine <= from).OrderByDescending(c => c.FirstLine).Take(ChunksPerQuery).ToListAsync(cancellationToken);
            }

            if (chunks.Count == 0)
            {
                return null;
            }

            foreach (var chunk in chunks)
            {
                var lines = LogChunkCodec.Decode(chunk.Data, chunk.FirstLine).Where(l => forward ? l.Number >= cursor : l.Number <= cursor);
                foreach (var candidate in forward ? lines : lines.Reverse())
                {
                    if (LogTerminalText.Visible(candidate.Text).Contains(text, StringComparison.OrdinalIgnoreCase))
                    {
                        return candidate.Number;
                    }
                }

                cursor = forward ? chunk.FirstLine + chunk.LineCount : chunk.FirstLine - 1;
            }
        }

        return null;
    }

    /// <summary>The text of the job's own stored lines of an attempt (EtlWeb's lines left out), in order, read a batch of chunks at a time.</summary>
    public async IAsyncEnumerable<string> JobLinesAsync(long attemptId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var next = 0L;
        while (true)
        {
            List<LogChunk> chunks;
            await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
            {
                var from = next;
                chunks = await db.LogChunks.AsNoTracking().Where(c => c.AttemptId == attemptId && c.FirstLine >= from)
                    .OrderBy(c => c.FirstLine).Take(ChunksPerQuery).ToListAsync(cancellationToken);
            }

            if (chunks.Count == 0)
            {
                yield break;
            }

            foreach (var line in chunks.SelectMany(c => LogChunkCodec.Decode(c.Data, c.FirstLine)).Where(l => l.Stream != LogStream.System))
            {
                yield return line.Text;
            }

            next = chunks[^1].FirstLine + chunks[^1].LineCount;
        }
    }

    private static Task<long> StoredLinesAsync(EtlDbContext db, long attemptId, CancellationToken cancellationToken) =>
        db.LogChunks.Where(c => c.AttemptId == attemptId).OrderByDescending(c => c.FirstLine)
            .Select(c => c.FirstLine + c.LineCount).FirstOrDefaultAsync(cancellationToken);

    /// <summary>The first line of the chunk that holds <paramref name="line"/>: one seek down the (AttemptId, FirstLine) index.</summary>
    private static Task<long> ChunkHoldingAsync(EtlDbContext db, long attemptId, long line, CancellationToken cancellationToken) =>
        db.LogChunks.Where(c => c.AttemptId == attemptId && c.FirstLine <= line).OrderByDescending(c => c.FirstLine)
            .Select(c => c.FirstLine).FirstOrDefaultAsync(cancellationToken);

    private static async Task<IReadOnlyList<LogLine>> ReadLinesAsync(EtlDbContext db, long attemptId, long from, long to, CancellationToken cancellationToken)
    {
        if (from >= to)
        {
            return [];
        }

        var start = await ChunkHoldingAsync(db, attemptId, from, cancellationToken);
        var chunks = await db.LogChunks.AsNoTracking()
            .Where(c => c.AttemptId == attemptId && c.FirstLine >= start && c.FirstLine < to)
            .OrderBy(c => c.FirstLine).ToListAsync(cancellationToken);
        return [.. chunks.SelectMany(c => LogChunkCodec.Decode(c.Data, c.FirstLine)).Where(l => l.Number >= from && l.Number < to)];
    }
}
