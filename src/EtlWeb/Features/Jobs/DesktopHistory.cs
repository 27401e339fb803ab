using System.Text;
using EtlWeb.Core.Jobs;
using EtlWeb.Core.Runs;
using EtlWeb.Data;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Features.Jobs;

/// <summary>
/// The desktop tool's execution history brought over as runs: each execution one ended run with one attempt, its
/// captured output (stdout, then stderr) as the attempt's log. An execution already imported (same job, same start)
/// is not imported twice, so importing the same database again adds only what is new.
/// </summary>
internal static class DesktopHistory
{
    private const int ChunkLines = 16 * 1024;
    private const int Batch = 500;

    /// <summary>
    /// The executions not imported yet, and the report of what importing them does; <paramref name="retentionDays"/>
    /// old before <paramref name="now"/> is where the retention purges finished runs (0: never by age).
    /// </summary>
    public static async Task<(List<DesktopExecution> New, ImportedHistory Report)> PlanAsync(
        EtlDbContext db, DesktopFile file, TimeZoneInfo zone, int retentionDays, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var names = file.Executions.Select(e => e.JobName).Distinct(StringComparer.Ordinal).ToList();
        var ids = await db.Jobs.Where(j => names.Contains(j.Name)).Select(j => new { j.Id, j.Name }).ToListAsync(cancellationToken);
        var byId = ids.ToDictionary(j => j.Id, j => j.Name);
        var jobIds = byId.Keys.ToList();
        var imported = (await db.Runs.Where(r => jobIds.Contains(r.JobId) && r.Trigger == TriggerKind.Imported)
                .Select(r => new { r.JobId, r.StartedAt }).ToListAsync(cancellationToken))
            .Select(r => (byId[r.JobId], r.StartedAt?.UtcTicks))
            .ToHashSet();
        var fresh = file.Executions.Where(e => !imported.Contains((e.JobName, e.Execution.StartedAt.UtcTicks))).ToList();
        var perJob = fresh.GroupBy(e => e.JobName, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var old = retentionDays > 0 ? fresh.Count(e => e.Execution.FinishedAt < now.AddDays(-retentionDays)) : 0;
        var report = new ImportedHistory(fresh.Count, file.Executions.Count - fresh.Count, file.Orphans, zone.Id, perJob, old, retentionDays);
        return (fresh, report);
    }

    /// <summary>Adds the runs, oldest first, with their logs; the jobs are already written.</summary>
    public static async Task WriteAsync(EtlDbContext db, List<DesktopExecution> executions, CancellationToken cancellationToken)
    {
        var names = executions.Select(e => e.JobName).Distinct(StringComparer.Ordinal).ToList();
        var jobs = await db.Jobs.AsNoTracking().Where(j => names.Contains(j.Name)).ToDictionaryAsync(j => j.Name, StringComparer.Ordinal, cancellationToken);
        var snapshots = jobs.ToDictionary(j => j.Key, j => JobSnapshot.Of(j.Value), StringComparer.Ordinal);
        foreach (var batch in executions.OrderBy(e => e.Execution.StartedAt).ThenBy(e => e.Id).Chunk(Batch))
        {
            var logs = new List<(Attempt Attempt, List<LogChunk> Chunks)>();
            foreach (var execution in batch)
            {
                var job = jobs[execution.JobName];
                var (chunks, totals) = Log(execution);
                var run = Run.Imported(job.Id, snapshots[execution.JobName], job.Revision > 0 ? job.Revision : null, execution.Execution, totals);
                db.Runs.Add(run);
                logs.Add((run.Attempts[0], chunks));
            }

            await db.SaveChangesAsync(cancellationToken);
            foreach (var (attempt, chunks) in logs)
            {
                foreach (var chunk in chunks)
                {
                    chunk.AttemptId = attempt.Id;
                    db.LogChunks.Add(chunk);
                }
            }

            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>The execution's output as log chunks: its standard output, then its error output, each line at the execution's end.</summary>
    private static (List<LogChunk> Chunks, LogTotals Totals) Log(DesktopExecution execution)
    {
        var lines = Lines(execution.Output).Select(l => (LogStream.Stdout, l))
            .Concat(Lines(execution.ErrorOutput).Select(l => (LogStream.Stderr, l)));
        var chunks = new List<LogChunk>();
        var buffer = new MemoryStream();
        long count = 0, bytes = 0, first = 0;
        foreach (var (stream, text) in lines)
        {
            LogChunkCodec.Append(buffer, execution.Execution.FinishedAt, stream, text);
            count++;
            bytes += Encoding.UTF8.GetByteCount(text);
            if (count - first == ChunkLines)
            {
                chunks.Add(new LogChunk { FirstLine = first, LineCount = ChunkLines, Data = buffer.ToArray() });
                buffer = new MemoryStream();
                first = count;
            }
        }

        if (count > first)
        {
            chunks.Add(new LogChunk { FirstLine = first, LineCount = (int)(count - first), Data = buffer.ToArray() });
        }

        return (chunks, new LogTotals(count, bytes, Truncated: false));
    }

    private static IEnumerable<string> Lines(string text)
    {
        if (text.Length == 0)
        {
            return [];
        }

        var lines = text.ReplaceLineEndings("\n").Split('\n');
        return lines[^1].Length == 0 ? lines[..^1] : lines;
    }
}
