using EtlWeb.Core.Execution;

namespace EtlWeb.Tests.Support;

/// <summary>
/// A test's EtlWeb ends in a data directory nothing starts again: the cgroups of attempts it left running (named after
/// that directory) would stay on the machine, so the test removes them with the directory (those still holding a
/// process stay).
/// </summary>
public static class LeftOverCgroups
{
    public static void Remove(string dataDirectory)
    {
        foreach (var directory in Directory.Exists(dataDirectory) ? Directory.GetDirectories(dataDirectory).Append(dataDirectory) : [dataDirectory])
        {
            ResourceAccounting.Detect(useCgroups: true, Path.GetFullPath(directory)).RemoveStale(new HashSet<long>());
        }
    }
}
