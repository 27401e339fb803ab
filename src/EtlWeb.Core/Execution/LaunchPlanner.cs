using System.Runtime.Versioning;
using System.Text;
using EtlWeb.Core.Connections;
using EtlWeb.Core.Jobs;

namespace EtlWeb.Core.Execution;

/// <summary>Turns a job into the process to start for one attempt, checking first what would make it fail to start.</summary>
public static class LaunchPlanner
{
    private const string SystemSetsid = "/usr/bin/setsid";

    /// <summary>What bash and dash search when PATH is unset.</summary>
    internal const string DefaultSearchPath = "/usr/local/bin:/usr/bin:/bin";

    private static readonly UTF8Encoding ScriptEncoding = new(encoderShouldEmitUTF8Identifier: false);

    /// <param name="marker">Unique per attempt; put in the child's environment so its descendants can be found.</param>
    /// <param name="tempDirectory">Where an inline script is written (created if missing): the attempt's spool, which it goes with.</param>
    /// <param name="inherited">What the process gets from EtlWeb's environment (<see cref="InheritedEnvironment"/>); the job's own variables win over it.</param>
    /// <param name="connection">For an SQL job that names a connection, that connection (null when it no longer exists).</param>
    public static LaunchPlan Plan(Job job, string marker, string tempDirectory, IReadOnlyDictionary<string, string> inherited, SqlTarget? connection = null)
    {
        var secrets = SecretsOf(job, connection);
        if (!OperatingSystem.IsLinux())
        {
            return LaunchPlan.Failed("EtlWeb runs jobs on Linux only: it needs setsid and /proc to stop a job's whole process tree.", secrets);
        }

        var workingDirectory = string.IsNullOrWhiteSpace(job.WorkingDirectory) ? null : job.WorkingDirectory.Trim();
        if (workingDirectory is not null && !Directory.Exists(workingDirectory))
        {
            return LaunchPlan.Failed($"Working directory '{workingDirectory}' does not exist.", secrets);
        }

        // setsid makes the child the leader of a new process group, so the whole tree can be signalled at once.
        // EtlWeb starts it itself, so it is looked up on EtlWeb's own PATH.
        var setsid = File.Exists(SystemSetsid) ? SystemSetsid
            : ExecutableSearch.Exists("setsid", Environment.CurrentDirectory, Environment.GetEnvironmentVariable("PATH")) ? "setsid"
            : null;
        if (setsid is null)
        {
            return LaunchPlan.Failed("'setsid' (util-linux) was not found; EtlWeb needs it to run each attempt in its own process group.", secrets);
        }

        var command = job.Command.Trim();
        if (command.Length == 0 && string.IsNullOrWhiteSpace(job.Script))
        {
            return LaunchPlan.Failed("The job has neither a command nor an inline script.", secrets);
        }

        var environment = ChildEnvironment(job, marker, inherited);
        if (job.Kind == JobKind.Sql && job.Connection.Length > 0)
        {
            return connection is null
                ? LaunchPlan.Failed($"Connection '{job.Connection}' does not exist (any more); choose another on the job's Basic info tab.", secrets)
                : SqlClients.Plan(job, connection, new ClientLaunch(setsid, environment, workingDirectory, tempDirectory, marker, secrets));
        }

        if (ProgramError(job, command, workingDirectory ?? Environment.CurrentDirectory, environment) is string error)
        {
            return LaunchPlan.Failed(error, secrets);
        }

        if (command.Length > 0)
        {
            return LaunchPlan.Ready(Spec(setsid, CommandArguments(job, command)), scriptPath: null);
        }

        string scriptPath;
        try
        {
            scriptPath = WritePrivateFile(tempDirectory, job.Script, ScriptExtension(job.Kind));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return LaunchPlan.Failed($"The inline script could not be written to '{tempDirectory}': {ex.Message}", secrets);
        }

        return LaunchPlan.Ready(Spec(setsid, ScriptArguments(job, scriptPath)), scriptPath);

        ProcessSpec Spec(string fileName, string[] arguments) =>
            new(fileName, arguments, workingDirectory, environment, marker, secrets);
    }

    /// <summary>Why the interpreter or client would not start, or null when it is there.</summary>
    [SupportedOSPlatform("linux")]
    private static string? ProgramError(Job job, string command, string baseDirectory, Dictionary<string, string> environment)
    {
        var line = LineOf(job, command);
        var (label, program) = job.Kind switch
        {
            JobKind.Python => ("Python interpreter", line.NamesPython ? line.Program : PythonOf(job)),
            JobKind.Sql => ("SQL client", line.Program),
            _ => ("Shell interpreter", ShellOf(job)),
        };

        // The messages name the variables only: a value may be a password.
        if (line.Program is null && line.AssignedNames.Count > 0)
        {
            var field = command.Length > 0 ? "command line" : "interpreter field";
            return $"The {field} sets {string.Join(", ", line.AssignedNames)} but names no program to run.";
        }

        if (program is null)
        {
            return "An inline SQL script needs the client that runs it in the interpreter field (for example: sqlite3 /data/app.db).";
        }

        // A line that sets PATH has the shell look the program up there, expansions and all: the shell decides.
        var searched = !program.Contains('/', StringComparison.Ordinal);
        if (searched && line.AssignedNames.Contains("PATH", StringComparer.Ordinal))
        {
            return null;
        }

        // The child's shell searches the PATH the child gets, which the job may set; without one, a shell's default.
        var searchPath = environment.GetValueOrDefault("PATH") ?? DefaultSearchPath;
        if (ExecutableSearch.Exists(program, baseDirectory, searchPath))
        {
            return null;
        }

        return searched
            ? $"{label} '{program}' was not found on PATH."
            : $"{label} '{program}' does not exist or is not executable.";
    }

    /// <summary>
    /// What masks the job's secret values (and its connection's password) in its output. A name marked secret without a
    /// value has nothing to mask.
    /// </summary>
    public static SecretMasker SecretsOf(Job job, SqlTarget? connection = null) =>
        new(job.SecretEnvironment.Select(name => job.Environment.GetValueOrDefault(name)).OfType<string>()
            .Concat(connection is { Password.Length: > 0 } ? [connection.Password] : []));

    private static Dictionary<string, string> ChildEnvironment(Job job, string marker, IReadOnlyDictionary<string, string> inherited)
    {
        var environment = new Dictionary<string, string>(inherited, StringComparer.Ordinal);
        if (job.Kind == JobKind.Python)
        {
            // Unbuffered output streams live to the log; a job may still set its own value.
            environment["PYTHONUNBUFFERED"] = "1";
        }

        foreach (var (name, value) in job.Environment)
        {
            environment[name] = value;
        }

        environment[ProcessTree.MarkerVariable] = marker;
        return environment;
    }

    /// <summary>
    /// The command line the job's own shell does not run, read for its assignments and program: a Python or SQL
    /// command, or an inline SQL script's client line. Empty for a shell job.
    /// </summary>
    private static CommandLine LineOf(Job job, string command) => job.Kind switch
    {
        JobKind.Python => CommandLine.Parse(command),
        JobKind.Sql => CommandLine.Parse(command.Length > 0 ? command : job.Interpreter.Trim()),
        _ => CommandLine.Parse(""),
    };

    private static string[] CommandArguments(Job job, string command)
    {
        // Through the shell, so quotes, redirections and leading assignments in the command line work as typed.
        var line = LineOf(job, command);
        return job.Kind switch
        {
            JobKind.Python when line.NamesPython => [DefaultShell(), "-c", line.Exec()],
            JobKind.Python => [DefaultShell(), "-c", line.Exec(ShellText.Quote(PythonOf(job)))],
            JobKind.Sql => [DefaultShell(), "-c", line.Exec()],
            _ => [ShellOf(job), "-c", command],
        };
    }

    private static string[] ScriptArguments(Job job, string scriptPath) => job.Kind switch
    {
        JobKind.Python => [PythonOf(job), "-u", scriptPath],
        JobKind.Sql => [DefaultShell(), "-c", CommandLine.Parse(job.Interpreter.Trim()).Exec() + " < " + ShellText.Quote(scriptPath)],
        _ => [ShellOf(job), scriptPath],
    };

    private static string ScriptExtension(JobKind kind) => kind switch
    {
        JobKind.Python => ".py",
        JobKind.Sql => ".sql",
        _ => ".sh",
    };

    private static string PythonOf(Job job) => OrDefault(job.Interpreter, "python3");

    /// <summary>The Python a job runs under: the one its command names (<c>python3.11 x.py</c>), else its interpreter field's or python3.</summary>
    public static string PythonProgramOf(Job job) =>
        CommandLine.Parse(job.Command.Trim()) is { NamesPython: true, Program: { } named } ? named : PythonOf(job);

    /// <summary>The PATH a job's child gets: the job's own, else EtlWeb's inherited one, else a shell's default.</summary>
    public static string SearchPathOf(Job job, IReadOnlyDictionary<string, string> inherited) =>
        job.Environment.GetValueOrDefault("PATH") ?? inherited.GetValueOrDefault("PATH") ?? DefaultSearchPath;

    private static string ShellOf(Job job) => OrDefault(job.Interpreter, DefaultShell());

    internal static string DefaultShell() => File.Exists("/bin/bash") ? "/bin/bash" : "/bin/sh";

    private static string OrDefault(string value, string fallback) =>
        string.IsNullOrWhiteSpace(value) ? fallback : value.Trim();

    /// <summary>Writes a private (0600) file in the attempt's spool: an inline script, or a client's settings holding a password.</summary>
    [SupportedOSPlatform("linux")]
    internal static string WritePrivateFile(string tempDirectory, string script, string extension)
    {
        PrivateDirectory.Ensure(tempDirectory);
        var path = Path.Combine(tempDirectory, $"etlweb-{Guid.NewGuid():N}{extension}");

        // Created 0600 from the start: the script may hold secrets and must never be readable by others.
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        using var writer = new StreamWriter(path, ScriptEncoding, options);

        // A browser may send CRLF; a shell would read the CR as part of each command.
        writer.Write(script.ReplaceLineEndings("\n"));
        return path;
    }
}
