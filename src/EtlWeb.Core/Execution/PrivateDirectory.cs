namespace EtlWeb.Core.Execution;

/// <summary>Directories of EtlWeb's data (databases, logs, key ring, scripts) that only EtlWeb's user may enter.</summary>
public static class PrivateDirectory
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates the directory (and missing parents) as 0700; an existing one keeps its mode.</summary>
    public static void Ensure(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, OwnerOnly);
        }
    }

    /// <summary>Whether users other than EtlWeb's may list or enter the directory (group or other bits set).</summary>
    public static bool IsOpenToOthers(string path) =>
        !OperatingSystem.IsWindows() && Directory.Exists(path) && (File.GetUnixFileMode(path) & ~OwnerOnly & ~UnixFileMode.SetGroup & ~UnixFileMode.SetUser & ~UnixFileMode.StickyBit) != 0;
}
