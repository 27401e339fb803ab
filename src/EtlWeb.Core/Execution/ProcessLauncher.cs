using System.Diagnostics;
using EtlWeb.Core.Runs;

namespace EtlWeb.Core.Execution;

/// <summary>Starts an attempt's process with stdin closed and its stdout and stderr pumped to the output.</summary>
public static class ProcessLauncher
{
    /// <param name="time">Stamps each line as it is read.</param>
    /// <exception cref="System.ComponentModel.Win32Exception">The OS could not start the program.</exception>
    public static RunningProcess Start(ProcessSpec spec, IAttemptOutput output, TimeProvider time)
    {
        var startInfo = new ProcessStartInfo(spec.FileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (!string.IsNullOrEmpty(spec.WorkingDirectory))
        {
            startInfo.WorkingDirectory = spec.WorkingDirectory;
        }

        foreach (var argument in spec.Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // ProcessStartInfo starts from a copy of EtlWeb's own environment, which holds its secrets: the spec's is the whole of it.
        startInfo.Environment.Clear();
        foreach (var (name, value) in spec.Environment)
        {
            startInfo.Environment[name] = value;
        }

        // Set last, whatever the spec's environment says: the marker is what finds descendants that left the group.
        startInfo.Environment[ProcessTree.MarkerVariable] = spec.Marker;

        var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"'{spec.FileName}' did not start.");

        // A job that reads stdin gets end-of-file at once instead of waiting forever for input.
        process.StandardInput.Close();

        var serialized = new SerializedOutput(output, spec.Secrets, time);
        var pumps = Task.WhenAll(
            OutputPump.Start(process.StandardOutput.BaseStream, LogStream.Stdout, serialized),
            OutputPump.Start(process.StandardError.BaseStream, LogStream.Stderr, serialized));
        return new RunningProcess(process, spec.Marker, pumps, serialized);
    }
}
