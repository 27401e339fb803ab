using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using EtlWeb.Configuration;
using EtlWeb.Core.Execution;
using EtlWeb.Core.Jobs;
using Microsoft.Extensions.Options;

namespace EtlWeb.Orchestration;

/// <summary>A Python job's environment as the API and the job details show it.</summary>
/// <param name="State">ready, building, failed (its last build failed; the next attempt builds again) or missing (never built).</param>
/// <param name="Log">The output of its latest build (the last 64 KiB), empty before the first.</param>
public sealed record PythonEnvironmentDocument(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("log")] string Log);

/// <summary>
/// The shared virtual environments of Python jobs with requirements, in <c>venvs/</c> of the data directory: one per
/// <see cref="PythonEnvironment.KeyOf"/>, built once by the first attempt that needs it (others wait for it, in this
/// process by a semaphore per key, across processes by a lock file) and used as is after, until someone deletes it.
/// An environment is built where it stays (a venv's scripts name their directory, so it cannot be moved after) and
/// counts only once its <see cref="PythonEnvironment.ReadyMarker"/> is written; a half-built one is built again.
/// </summary>
public sealed class PythonEnvironments(IOptions<EtlWebOptions> etl, IOptions<PythonOptions> options, JobBaseEnvironment baseEnvironment, TimeProvider time)
{
    private const int ShownLogBytes = 64 * 1024;

    private static readonly TimeSpan LockPoll = TimeSpan.FromMilliseconds(200);

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);

    public string Root => Path.Combine(etl.Value.FullDataDirectory, "venvs");

    /// <summary>The environment of a Python job with requirements; null for any other job.</summary>
    public PythonEnvironmentDocument? Describe(JobDocument job) => Describe(JobDocumentMapper.ToDraft(job, new ValidationErrors()).Job);

    /// <summary>The environment of a Python job with requirements; null for any other job.</summary>
    public PythonEnvironmentDocument? Describe(Job job)
    {
        if (!Needs(job))
        {
            return null;
        }

        if (InterpreterOf(job) is not { } interpreter)
        {
            return new PythonEnvironmentDocument("", "missing", $"The job's Python '{LaunchPlanner.PythonProgramOf(job)}' was not found, so no environment can be built for it.");
        }

        var key = PythonEnvironment.KeyOf(interpreter, job.Requirements);
        var directory = Path.Combine(Root, key);
        var state = IsReady(directory) ? "ready" : File.Exists(FailedMarker(key)) ? "failed" : Directory.Exists(directory) ? "building" : "missing";
        return new PythonEnvironmentDocument(key, state, ReadLog(LogPath(key)));
    }

    /// <summary>
    /// Before an attempt of the job starts: makes sure its environment is built and has the job run in it. Null when
    /// the job may start (it needs none, or its environment is ready); else why the attempt fails. A Python that is not
    /// found is left to the launch, which says so.
    /// </summary>
    /// <param name="report">Takes the lines for the attempt's log: the build's output, and which environment is used.</param>
    public async Task<string?> PrepareAsync(Job job, Action<string> report, CancellationToken cancellationToken)
    {
        if (!Needs(job) || InterpreterOf(job) is not { } interpreter)
        {
            return null;
        }

        var key = PythonEnvironment.KeyOf(interpreter, job.Requirements);
        var directory = Path.Combine(Root, key);
        if (!IsReady(directory))
        {
            var gate = _gates.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
            await gate.WaitAsync(cancellationToken);
            try
            {
                await using var fileLock = await LockAsync(key, cancellationToken);
                if (!IsReady(directory) && await BuildAsync(key, interpreter, job.Requirements, report, cancellationToken) is { } failure)
                {
                    return failure;
                }
            }
            finally
            {
                gate.Release();
            }
        }

        report($"Using the Python environment {key} ({directory}).");
        PythonEnvironment.Apply(job, directory, baseEnvironment.Variables);
        return null;
    }

    private string? InterpreterOf(Job job) => OperatingSystem.IsLinux() ? PythonEnvironment.InterpreterOf(job, baseEnvironment.Variables) : null;

    private static bool Needs(Job job) => job.Kind == JobKind.Python && job.Requirements.Count > 0;

    private static bool IsReady(string directory) => File.Exists(Path.Combine(directory, PythonEnvironment.ReadyMarker));

    private string LogPath(string key) => Path.Combine(Root, key + ".log");

    private string FailedMarker(string key) => Path.Combine(Root, key + ".failed");

    private async Task<string?> BuildAsync(string key, string interpreter, IReadOnlyList<string> requirements, Action<string> report, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(Root, key);
        File.Delete(FailedMarker(key));
        // Left half-built by a build that was stopped (EtlWeb killed): nothing in it can be trusted.
        DeleteIfThere(directory);

        var started = time.GetTimestamp();
        var count = requirements.Count == 1 ? "1 requirement" : $"{requirements.Count} requirements";
        string? failure;
        await using (var buildLog = new StreamWriter(new FileStream(LogPath(key), FileMode.Create, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete)) { AutoFlush = true })
        {
            var build = new PythonEnvironmentBuild(directory, buildLog, report, baseEnvironment.Variables);
            build.Note(time.GetUtcNow(), $"Building the Python environment {key} for {count} with {interpreter}.");
            try
            {
                failure = await build.RunAsync(interpreter, requirements, IndexOptions(), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                build.Note(time.GetUtcNow(), "The build was stopped.");
                DeleteIfThere(directory);
                throw;
            }

            var seconds = time.GetElapsedTime(started).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
            build.Note(time.GetUtcNow(), failure is null ? $"Built the Python environment for {count} in {seconds} s." : $"The build failed ({failure}) after {seconds} s.");
        }

        if (failure is not null)
        {
            DeleteIfThere(directory);
            await File.WriteAllTextAsync(FailedMarker(key), failure, CancellationToken.None);
            return $"Building the Python environment {key} failed ({failure}); its output is in this log and on the job's details.";
        }

        await File.WriteAllTextAsync(Path.Combine(directory, PythonEnvironment.ReadyMarker), time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture), CancellationToken.None);
        return null;
    }

    /// <summary>pip's options for where packages come from: the wheel directory alone when set, else the index when set.</summary>
    private IReadOnlyList<string> IndexOptions()
    {
        var python = options.Value;
        if (!string.IsNullOrWhiteSpace(python.WheelDirectory))
        {
            return ["--no-index", "--find-links", Path.GetFullPath(python.WheelDirectory.Trim())];
        }

        return string.IsNullOrWhiteSpace(python.PackageIndex) ? [] : ["--index-url", python.PackageIndex.Trim()];
    }

    /// <summary>The key's lock file, held exclusively: another EtlWeb on the same disk waits for this build to end.</summary>
    private async Task<FileStream> LockAsync(string key, CancellationToken cancellationToken)
    {
        PrivateDirectory.Ensure(Root);
        while (true)
        {
            try
            {
                return new FileStream(Path.Combine(Root, key + ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                await Task.Delay(LockPoll, time, cancellationToken);
            }
        }
    }

    private static void DeleteIfThere(string directory)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string ReadLog(string path)
    {
        if (!File.Exists(path))
        {
            return "";
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var skip = Math.Max(0, stream.Length - ShownLogBytes);
        stream.Seek(skip, SeekOrigin.Begin);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
