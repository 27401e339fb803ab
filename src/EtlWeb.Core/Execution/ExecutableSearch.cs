using System.Runtime.Versioning;

namespace EtlWeb.Core.Execution;

/// <summary>Finds a program the way the shell will: a name with a slash is a path, any other name is looked up on PATH.</summary>
[SupportedOSPlatform("linux")]
internal static class ExecutableSearch
{
    private const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <param name="baseDirectory">Where a relative path is resolved: the child's working directory.</param>
    /// <param name="searchPath">The PATH the child will see.</param>
    public static bool Exists(string program, string baseDirectory, string? searchPath) => Find(program, baseDirectory, searchPath) is not null;

    /// <summary>The file the shell would run for <paramref name="program"/>, or null when there is none.</summary>
    public static string? Find(string program, string baseDirectory, string? searchPath)
    {
        if (program.Contains('/', StringComparison.Ordinal))
        {
            var path = Path.Combine(baseDirectory, program);
            return IsExecutableFile(path) ? path : null;
        }

        foreach (var directory in (searchPath ?? "").Split(':'))
        {
            // An empty PATH entry means the current directory, as for the shell.
            var root = directory.Length == 0 ? baseDirectory : directory;
            var path = Path.Combine(root, program);
            if (IsExecutableFile(path))
            {
                return path;
            }
        }

        return null;
    }

    private static bool IsExecutableFile(string path) =>
        File.Exists(path) && (File.GetUnixFileMode(path) & AnyExecute) != 0;
}
