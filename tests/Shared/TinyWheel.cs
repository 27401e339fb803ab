using System.IO.Compression;

namespace EtlWeb.Testing;

/// <summary>
/// A wheel written by hand, so pip installs it with no network: <c>tinypkg</c> 1.0, whose <c>VALUE</c> is 42. A wheel is
/// a zip of the package and its dist-info (METADATA, WHEEL, RECORD); pip accepts a RECORD without hashes.
/// </summary>
public static class TinyWheel
{
    public const string Name = "tinypkg";

    public const string Version = "1.0";

    /// <summary>A fresh temp directory holding the wheel, for <c>EtlWeb:Python:WheelDirectory</c>; the caller deletes it.</summary>
    public static string NewDirectory()
    {
        var directory = Path.Combine(Path.GetTempPath(), "etlweb-tests", "wheels-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        Write(Path.Combine(directory, $"{Name}-{Version}-py3-none-any.whl"));
        return directory;
    }

    private static void Write(string path)
    {
        var info = $"{Name}-{Version}.dist-info";
        (string Path, string Text)[] files =
        [
            ($"{Name}/__init__.py", "VALUE = 42\n"),
            ($"{info}/METADATA", $"Metadata-Version: 2.1\nName: {Name}\nVersion: {Version}\n"),
            ($"{info}/WHEEL", "Wheel-Version: 1.0\nGenerator: etlweb-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"),
        ];
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, text) in files)
        {
            Add(zip, name, text);
        }

        Add(zip, $"{info}/RECORD", string.Concat(files.Select(f => f.Path + ",,\n")) + $"{info}/RECORD,,\n");
    }

    private static void Add(ZipArchive zip, string name, string text)
    {
        using var writer = new StreamWriter(zip.CreateEntry(name).Open());
        writer.Write(text);
    }
}
