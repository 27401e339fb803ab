using System.Diagnostics;
using System.Globalization;
using System.Text;
using EtlWeb.Core.Execution;

namespace EtlWeb.Orchestration;

/// <summary>
/// One build of a Python environment: <c>python -m venv</c>, then <c>pip install -r requirements.txt</c> with the
/// configured index options, every line of their output written to the build's log file and handed to the caller.
/// </summary>
internal sealed class PythonEnvironmentBuild(string directory, StreamWriter buildLog, Action<string> report, IReadOnlyDictionary<string, string> environment)
{
    /// <summary>Null when both steps succeeded; else what failed, with its exit code.</summary>
    public async Task<string?> RunAsync(string interpreter, IReadOnlyList<string> requirements, IReadOnlyList<string> indexOptions, CancellationToken cancellationToken)
    {
        if (await StepAsync(interpreter, ["-m", "venv", directory], cancellationToken) is { } venvExit)
        {
            return $"python -m venv exit code {venvExit}";
        }

        var requirementsFile = Path.Combine(directory, "requirements.txt");
        await File.WriteAllLinesAsync(requirementsFile, requirements, cancellationToken);
        string[] install = ["-m", "pip", "install", "--disable-pip-version-check", "--no-input", .. indexOptions, "-r", requirementsFile];
        return await StepAsync(Path.Combine(directory, "bin", "python"), install, cancellationToken) is { } pipExit
            ? $"pip exit code {pipExit}"
            : null;
    }

    /// <summary>Runs one step to its end; null when it exited 0, else its exit code.</summary>
    private async Task<int?> StepAsync(string program, string[] arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Clear();
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.Environment["PYTHONUNBUFFERED"] = "1";
        Write(PythonEnvironment.WithoutUrlCredentials("$ " + string.Join(' ', arguments.Prepend(program))));
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"'{program}' could not be started.");
        process.StandardInput.Close();
        try
        {
            await Task.WhenAll(CopyAsync(process.StandardOutput, cancellationToken), CopyAsync(process.StandardError, cancellationToken), process.WaitForExitAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return process.ExitCode == 0 ? null : process.ExitCode;
    }

    private async Task CopyAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            Write(line);
        }
    }

    private void Write(string line)
    {
        lock (buildLog)
        {
            buildLog.WriteLine(line);
        }

        report(line);
    }

    /// <summary>A line of the build log saying what happens when, in UTC.</summary>
    public void Note(DateTimeOffset at, string text) => Write($"{at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC {text}");
}
