using System.Globalization;

namespace EtlWeb.Core.Execution;

/// <summary>
/// An attempt's spool: a private directory in EtlWeb's data directory where the attempt's supervisor appends the
/// process's stdout and stderr and, once the process ended, writes its exit status. It outlives EtlWeb, so a
/// restarted EtlWeb reads on from where the stored log ends and settles the attempt from the recorded status.
/// An inline script is written here too; the whole directory goes once the attempt is settled.
/// </summary>
public sealed class AttemptSpool(string root, long attemptId)
{
    public string Directory { get; } = Path.Combine(root, attemptId.ToString(CultureInfo.InvariantCulture));

    public string StdoutPath => Path.Combine(Directory, "stdout");

    public string StderrPath => Path.Combine(Directory, "stderr");

    public string ExitPath => Path.Combine(Directory, "exit");

    /// <summary>The kernel's accounting of the job's tree, written by the supervisor when the job ended.</summary>
    public string UsagePath => Path.Combine(Directory, "usage");

    /// <summary>The file the process writes its outputs to (<c>ETL_OUTPUT</c>); it may never create it.</summary>
    public string OutputPath => Path.Combine(Directory, "output");

    /// <summary>The upstream runs' outputs as one JSON object (<c>ETL_UPSTREAM</c>).</summary>
    public string UpstreamPath => Path.Combine(Directory, "upstream.json");

    /// <summary>Whether both output files are there to read on from.</summary>
    public bool Exists => File.Exists(StdoutPath) && File.Exists(StderrPath);

    /// <summary>Creates the directory (0700) and the two empty output files (0600) the supervisor appends to.</summary>
    public void Create()
    {
        PrivateDirectory.Ensure(Directory);
        foreach (var path in new[] { StdoutPath, StderrPath })
        {
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var file = new FileStream(path, options);
        }
    }

    /// <summary>The exit status the supervisor recorded (128 + signal for a killed process); null while there is none.</summary>
    public int? RecordedExit()
    {
        try
        {
            return int.TryParse(File.ReadAllText(ExitPath).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var code) ? code : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>What the supervisor recorded of the job's tree (<see cref="Supervisor"/>); null when it recorded nothing.</summary>
    public TreeAccounting? RecordedUsage()
    {
        try
        {
            return TreeAccounting.Parse(File.ReadAllLines(UsagePath));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>What the process wrote to <see cref="OutputPath"/>: nothing when it wrote no file, refused past <paramref name="cap"/> bytes.</summary>
    public Runs.OutputRead ReadOutputs(long cap)
    {
        try
        {
            var length = new FileInfo(OutputPath).Length;
            return Runs.AttemptOutputs.SizeError(length, cap) is { } error
                ? new Runs.OutputRead(new Dictionary<string, System.Text.Json.JsonElement>(), error)
                : Runs.AttemptOutputs.Parse(File.ReadAllText(OutputPath));
        }
        catch (FileNotFoundException)
        {
            return Runs.OutputRead.None;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new Runs.OutputRead(new Dictionary<string, System.Text.Json.JsonElement>(), $"{Runs.AttemptOutputs.OutputVariable} could not be read: {ex.Message}");
        }
    }

    /// <summary>Writes the upstream runs' outputs (a JSON object of job name to outputs) to <see cref="UpstreamPath"/>, 0600.</summary>
    public void WriteUpstream(string json)
    {
        PrivateDirectory.Ensure(Directory);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var file = new StreamWriter(new FileStream(UpstreamPath, options));
        file.Write(json);
    }

    /// <summary>The size of an output file now; 0 when it is gone.</summary>
    public static long LengthOf(string path)
    {
        try
        {
            return new FileInfo(path).Length;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>Removes the spool; one that cannot be removed now is left for the next start's clean-up.</summary>
    public void Delete()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Gone already, or busy: neither must fail the attempt's settlement.
        }
    }
}

/// <summary>Byte offsets in an attempt's stdout and stderr spool files: where the stored log of each ends.</summary>
public readonly record struct SpoolOffsets(long Stdout, long Stderr)
{
    public long Of(Runs.LogStream stream) => stream == Runs.LogStream.Stderr ? Stderr : Stdout;
}
