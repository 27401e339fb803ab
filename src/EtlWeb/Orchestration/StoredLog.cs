using System.Runtime.CompilerServices;
using EtlWeb.Core.Runs;
using EtlWeb.Data;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Orchestration;

/// <summary>An attempt's log as stored (the chunks <see cref="AttemptLog"/> wrote), read in order from any line on.</summary>
public sealed class StoredLog(IDbContextFactory<EtlDbContext> dbFactory)
{
    private const int ChunksPerQuery = 32;

    /// <summary>The stored lines of an attempt from <paramref name="fromLine"/> on, streamed chunk by chunk.</summary>
    public async IAsyncEnumerable<LogLine> ReadAsync(long attemptId, long fromLine, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var next = fromLine;
        while (true)
        {
            List<LogChunk> chunks;
            await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
            {
                var from = next;
                chunks = await db.LogChunks.AsNoTracking()
                    .Where(c => c.AttemptId == attemptId && c.FirstLine + c.LineCount > from)
                    .OrderBy(c => c.FirstLine).Take(ChunksPerQuery).ToListAsync(cancellationToken);
            }

            if (chunks.Count == 0)
            {
                yield break;
            }

            foreach (var chunk in chunks)
            {
                foreach (var line in LogChunkCodec.Decode(chunk.Data, chunk.FirstLine))
                {
                    if (line.Number >= next)
                    {
                        next = line.Number + 1;
                        yield return line;
                    }
                }
            }
        }
    }
}
