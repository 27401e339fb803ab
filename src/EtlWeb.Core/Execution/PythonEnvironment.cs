using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using EtlWeb.Core.Jobs;

namespace EtlWeb.Core.Execution;

/// <summary>
/// The virtual environment a Python job with requirements runs in, shared by every job listing the same requirements
/// for the same interpreter: its key is the first <see cref="KeyLength"/> hex digits of the SHA-256 of the interpreter's
/// resolved file and the trimmed lines in their given order (order is kept: pip reads them so, and a reordered list is
/// a new environment rather than a guess that two lists mean the same).
/// </summary>
public static partial class PythonEnvironment
{
    public const int KeyLength = 16;

    /// <summary>The file whose presence says an environment was built completely.</summary>
    public const string ReadyMarker = ".etlweb-ready";

    public static string KeyOf(string interpreterPath, IEnumerable<string> requirements)
    {
        var text = interpreterPath + "\n" + string.Join("\n", requirements.Select(r => r.Trim()));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..KeyLength];
    }

    /// <summary>
    /// The interpreter file that builds the job's environment (symbolic links followed to the end, so an upgraded
    /// <c>python3</c> makes a new environment), or null when the job's Python is not found.
    /// </summary>
    [SupportedOSPlatform("linux")]
    public static string? InterpreterOf(Job job, IReadOnlyDictionary<string, string> inherited)
    {
        var baseDirectory = string.IsNullOrWhiteSpace(job.WorkingDirectory) ? Environment.CurrentDirectory : job.WorkingDirectory.Trim();
        if (ExecutableSearch.Find(LaunchPlanner.PythonProgramOf(job), baseDirectory, LaunchPlanner.SearchPathOf(job, inherited)) is not { } found)
        {
            return null;
        }

        var full = Path.GetFullPath(found);
        return File.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName ?? full;
    }

    /// <summary>A line as the build's log shows it: the user and password of a URL (a private index's) replaced by ****.</summary>
    public static string WithoutUrlCredentials(string line) => UrlCredentials().Replace(line, "****@");

    /// <summary>
    /// Makes the job run in the environment at <paramref name="directory"/>: its Python is the interpreter EtlWeb picks,
    /// and its bin directory comes first on PATH with VIRTUAL_ENV set, so a command naming <c>python3</c>, <c>python -m</c>
    /// or a console script finds the environment's too.
    /// </summary>
    public static void Apply(Job job, string directory, IReadOnlyDictionary<string, string> inherited)
    {
        var bin = Path.Combine(directory, "bin");
        job.Environment["PATH"] = bin + ":" + LaunchPlanner.SearchPathOf(job, inherited);
        job.Environment["VIRTUAL_ENV"] = directory;
        job.Interpreter = Path.Combine(bin, "python");
    }

    [GeneratedRegex(@"(?<=://)[^/@\s]+@")]
    private static partial Regex UrlCredentials();
}
