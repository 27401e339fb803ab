using EtlWeb.Core.Runs;

namespace EtlWeb.Core.Execution;

/// <summary>Reads one of the child's pipes to its end, on a thread of its own, and hands each line to the output.</summary>
internal static class OutputPump
{
    private const int ReadSize = 64 * 1024;

    /// <summary>
    /// A dedicated thread rather than async reads: a pipe read on Linux cannot be cancelled, and a descendant
    /// holding the pipe open would otherwise pin a thread-pool thread for as long as it lives.
    /// </summary>
    public static Task Start(Stream pipe, LogStream stream, SerializedOutput output) =>
        Task.Factory.StartNew(
            () => Pump(pipe, stream, output),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

    private static void Pump(Stream pipe, LogStream stream, SerializedOutput output)
    {
        var splitter = new LineSplitter(output.Secrets, line => output.Write(stream, line));
        var buffer = new byte[ReadSize];
        using (pipe)
        {
            int read;
            while ((read = ReadOrEnd(pipe, buffer)) > 0)
            {
                splitter.Push(buffer.AsSpan(0, read));
            }
        }

        splitter.Flush();
    }

    private static int ReadOrEnd(Stream pipe, byte[] buffer)
    {
        try
        {
            return pipe.Read(buffer);
        }
        catch (IOException)
        {
            // A broken pipe ends the output just as end-of-file does.
            return 0;
        }
    }
}
