using System.Runtime.CompilerServices;

namespace EtlWeb.Tests.Support;

/// <summary>Files of the repository itself (README, appsettings.json, Dockerfile), whatever the build's output path.</summary>
internal static class Repository
{
    /// <summary>The repository root, found from this source file's path as the compiler saw it.</summary>
    public static string Root { get; } = Find();

    private static string Find([CallerFilePath] string path = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, "..", "..", ".."));
}
