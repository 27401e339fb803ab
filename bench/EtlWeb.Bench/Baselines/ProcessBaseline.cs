using System.Diagnostics;

namespace EtlWeb.Bench.Baselines;

/// <summary>What the OS and .NET cost without EtlWeb: a bare process start, and a command writing to a file.</summary>
public static class ProcessBaseline
{
    /// <summary>Time for <c>Process.Start("/bin/true")</c> to return, in ms.</summary>
    public static async Task<double> SpawnMillisecondsAsync()
    {
        var before = Stopwatch.GetTimestamp();
        using var process = Process.Start(new ProcessStartInfo("/bin/true") { UseShellExecute = false })!;
        var elapsed = Stopwatch.GetElapsedTime(before).TotalMilliseconds;
        await process.WaitForExitAsync();
        return elapsed;
    }

    /// <summary>Wall time of <c>/bin/sh -c "&lt;command&gt; &gt; file"</c>, in seconds.</summary>
    public static async Task<double> ShellToFileSecondsAsync(string command, string file)
    {
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, ArgumentList = { "-c", $"{command} > '{file}'" } };
        var before = Stopwatch.GetTimestamp();
        using var process = Process.Start(start)!;
        await process.WaitForExitAsync();
        var elapsed = Stopwatch.GetElapsedTime(before).TotalSeconds;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{command}' exited with code {process.ExitCode}.");
        }

        return elapsed;
    }
}
