using EtlWeb.Core.Runs;
using Microsoft.Win32.SafeHandles;

namespace EtlWeb.Core.Execution;

/// <summary>
/// Reads an attempt's spool files as they grow, from where the stored log of each ends, and hands every complete
/// line to the output. Once the output says lines are stored, the bytes before them are freed (a hole is punched in
/// the file), so a job that floods its output does not fill the disk.
/// </summary>
internal sealed class SpoolFollower
{
    private const int ReadSize = 64 * 1024;

    /// <summary>Reads in a row before the follower looks again whether the process ended or it must let go.</summary>
    private const int ReadsPerRound = 16;

    /// <summary>Freed in steps of this many stored bytes: a punch is a system call, not one per line.</summary>
    private const long ReleaseStep = 8L * 1024 * 1024;

    private const long PageSize = 4096;

    /// <summary>
    /// How long the follower sleeps when the files did not grow. Real time on purpose: it waits for a real process
    /// to write real files. The end of the process wakes it at once.
    /// </summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly Tail[] tails;
    private readonly byte[] buffer = new byte[ReadSize];

    public SpoolFollower(AttemptSpool spool, SpoolOffsets from, SerializedOutput output)
    {
        tails =
        [
            new Tail(spool.StdoutPath, LogStream.Stdout, from.Stdout, output),
            new Tail(spool.StderrPath, LogStream.Stderr, from.Stderr, output),
        ];
    }

    /// <summary>
    /// Follows on a thread of its own until <paramref name="ended"/> completes, then reads what is left and emits last
    /// lines that had no newline. When <paramref name="detach"/> fires first it stops without that: a partial line stays
    /// in the file for whoever follows it next.
    /// </summary>
    public Task Start(Task ended, CancellationToken detach) =>
        Task.Factory.StartNew(
            () => Follow(ended, detach),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

    private void Follow(Task ended, CancellationToken detach)
    {
        try
        {
            while (!detach.IsCancellationRequested)
            {
                // Seen before the read: whatever the process wrote before it ended is in the files by now.
                var endSeen = ended.IsCompleted;
                var progressed = false;
                foreach (var tail in tails)
                {
                    progressed |= tail.Read(buffer, all: endSeen);
                }

                if (endSeen)
                {
                    foreach (var tail in tails)
                    {
                        tail.Flush();
                    }

                    return;
                }

                if (!progressed)
                {
                    WaitForEndOrDetach(ended, detach);
                }
            }
        }
        finally
        {
            foreach (var tail in tails)
            {
                tail.Dispose();
            }
        }
    }

    private static void WaitForEndOrDetach(Task ended, CancellationToken detach)
    {
        try
        {
            Task.WaitAny([ended], (int)PollInterval.TotalMilliseconds, detach);
        }
        catch (OperationCanceledException)
        {
            // Detached while waiting: the loop's condition ends it.
        }
    }

    /// <summary>One spool file, read from an offset on.</summary>
    private sealed class Tail(string path, LogStream stream, long offset, SerializedOutput output) : IDisposable
    {
        private readonly LineSplitter splitter = new(output.Secrets, offset, (line, end) => output.Write(stream, line, end));
        private SafeFileHandle? handle;
        private long released = offset / PageSize * PageSize;
        private bool canRelease = OperatingSystem.IsLinux();

        /// <summary>Reads what the file holds past the offset (a bounded round of it unless <paramref name="all"/>); whether anything was read.</summary>
        public bool Read(byte[] buffer, bool all)
        {
            if (handle is null && !TryOpen())
            {
                return false;
            }

            var progressed = false;
            for (var round = 0; all || round < ReadsPerRound; round++)
            {
                var read = RandomAccess.Read(handle!, buffer, offset);
                if (read == 0)
                {
                    break;
                }

                offset += read;
                splitter.Push(buffer.AsSpan(0, read));
                progressed = true;
            }

            Release();
            return progressed;
        }

        public void Flush() => splitter.Flush();

        public void Dispose() => handle?.Dispose();

        private bool TryOpen()
        {
            try
            {
                // Read and write: punching a hole needs a descriptor open for writing.
                handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
                return true;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        }

        /// <summary>Punches out the whole pages before the stored offset; a file system that cannot keeps them.</summary>
        private void Release()
        {
            var stored = Math.Min(output.Stored(stream), offset) / PageSize * PageSize;
            if (!canRelease || stored - released < ReleaseStep)
            {
                return;
            }

            var fd = (int)handle!.DangerousGetHandle();
            if (NativeMethods.Fallocate(fd, NativeMethods.PunchHole, released, stored - released) == 0)
            {
                released = stored;
            }
            else
            {
                canRelease = false;
            }
        }
    }
}
