using System.Runtime.CompilerServices;
using EtlWeb.Core.Runs;
using EtlWeb.Data;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Features.Runs;

/// <summary>Reads run history and stored logs.</summary>
public sealed class RunReader(IDbContextFactory<EtlDbContext> dbFactory)
{
    private const int ChunksPerQuery = 32;

    public async Task<IReadOnlyList<RunDocument>> ListAsync(int? jobId, RunStatus? status, int limit, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var runs = db.Runs.AsNoTracking().Include(r => r.Attempts).AsQueryable();
        if (jobId is not null)
        {
            runs = runs.Where(r => r.JobId == jobId);
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
        return [.. page.Select(p => RunDocument.From(p.Run, p.Name, requests[p.Run.Id]))];
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
        return RunDocument.From(found.Run, found.Name, requests);
    }

    /// <summary>The stored lines of an attempt from <paramref name="fromLine"/> on, streamed chunk by chunk.</summary>
    public async IAsyncEnumerable<LogLine> ReadLogAsync(long attemptId, long fromLine, [EnumeratorCancellation] CancellationToken cancellationToken = default)
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
