using System.Threading.Channels;
using EtlWeb.Core.Runs;
using EtlWeb.Orchestration;
using EtlWeb.Realtime;

namespace EtlWeb.Features.Runs;

/// <summary>
/// Writes a run's log as text: every attempt's stored lines, and with follow the live lines too until the
/// run ends. Live lines come from the broadcaster; line numbers stitch stored and live without gaps or repeats.
/// </summary>
public sealed class LogStreamer(RunReader reader, StoredLog log, RunBroadcaster broadcaster)
{
    public async Task WriteAsync(long runId, LogStream? only, bool follow, TextWriter output, CancellationToken cancellationToken)
    {
        var runChanged = Channel.CreateUnbounded<RunChanged>();
        using var runSubscription = follow ? broadcaster.SubscribeRuns(c =>
        {
            if (c.RunId == runId)
            {
                runChanged.Writer.TryWrite(c);
            }
        }) : null;

        var written = new HashSet<int>();
        while (true)
        {
            var run = await reader.GetAsync(runId, cancellationToken);
            if (run is null)
            {
                return;
            }

            var runEnded = Enum.Parse<RunStatus>(run.Status).IsTerminal();
            foreach (var attempt in run.Attempts.Where(a => !written.Contains(a.Number)))
            {
                var status = Enum.Parse<RunStatus>(attempt.Status);
                if (status == RunStatus.Queued)
                {
                    continue;
                }

                if (run.Attempts.Count > 1)
                {
                    await output.WriteLineAsync($"===== attempt {attempt.Number} =====");
                }

                if (status == RunStatus.Running && follow)
                {
                    await FollowAttemptAsync(runId, attempt.Id, only, output, runChanged.Reader, cancellationToken);
                }
                else
                {
                    await WriteStoredAsync(attempt.Id, 0, only, output, cancellationToken);
                }

                written.Add(attempt.Number);
            }

            await output.FlushAsync(cancellationToken);
            if (!follow || runEnded)
            {
                return;
            }

            await runChanged.Reader.ReadAsync(cancellationToken);
        }
    }

    private async Task<long> WriteStoredAsync(long attemptId, long from, LogStream? only, TextWriter output, CancellationToken cancellationToken)
    {
        var next = from;
        await foreach (var line in log.ReadAsync(attemptId, from, cancellationToken))
        {
            await WriteLineAsync(line, only, output);
            next = line.Number + 1;
        }

        return next;
    }

    private async Task FollowAttemptAsync(long runId, long attemptId, LogStream? only, TextWriter output, ChannelReader<RunChanged> runChanged, CancellationToken cancellationToken)
    {
        var live = Channel.CreateUnbounded<IReadOnlyList<LogLine>>();
        using var subscription = broadcaster.SubscribeLog(attemptId, lines => live.Writer.TryWrite(lines));
        var next = await WriteStoredAsync(attemptId, 0, only, output, cancellationToken);
        await output.FlushAsync(cancellationToken);
        var lines = live.Reader.ReadAsync(cancellationToken).AsTask();
        while (true)
        {
            var changed = runChanged.WaitToReadAsync(cancellationToken).AsTask();
            if (await Task.WhenAny(lines, changed) == lines)
            {
                var batch = await lines;
                next = await CatchUpAsync(attemptId, next, batch[0].Number, only, output, cancellationToken);
                foreach (var line in batch.Where(l => l.Number >= next))
                {
                    await WriteLineAsync(line, only, output);
                    next = line.Number + 1;
                }

                await output.FlushAsync(cancellationToken);
                lines = live.Reader.ReadAsync(cancellationToken).AsTask();
                continue;
            }

            // The attempt ended (or a new one began): whatever is left is stored by now.
            if (await reader.GetAsync(runId, cancellationToken) is { } run
                && run.Attempts.First(a => a.Id == attemptId).Status != nameof(RunStatus.Running))
            {
                await WriteStoredAsync(attemptId, next, only, output, cancellationToken);
                return;
            }

            runChanged.TryRead(out _);
        }
    }

    /// <summary>
    /// Lines written before the subscription began are not in the live feed; they are sealed before the first
    /// live batch is published and reach the database a moment later, so read them from there.
    /// </summary>
    private async Task<long> CatchUpAsync(long attemptId, long next, long firstLive, LogStream? only, TextWriter output, CancellationToken cancellationToken)
    {
        for (var tries = 0; next < firstLive && tries < 250; tries++)
        {
            next = await WriteStoredAsync(attemptId, next, only, output, cancellationToken);
            if (next < firstLive)
            {
                await Task.Delay(20, cancellationToken);
            }
        }

        return next;
    }

    private static Task WriteLineAsync(LogLine line, LogStream? only, TextWriter output) =>
        only is null || line.Stream == only ? output.WriteLineAsync(line.Text) : Task.CompletedTask;
}
