using System.Text;

namespace EtlWeb.Tests.Security;

/// <summary>Searches the raw bytes of every file in a data directory (databases, their WAL files, logs, keys) while EtlWeb runs.</summary>
internal static class DataFiles
{
    /// <summary>The files, relative to <paramref name="directory"/>, whose bytes hold <paramref name="text"/> as UTF-8.</summary>
    public static IReadOnlyList<string> Containing(string directory, string text)
    {
        var needle = Encoding.UTF8.GetBytes(text);
        return [.. Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(file => Read(file).AsSpan().IndexOf(needle) >= 0)
            .Select(file => Path.GetRelativePath(directory, file))];
    }

    /// <summary>
    /// Fails when any file holds <paramref name="text"/>; the app DB and its write-ahead log must both be among
    /// the files searched, since a value written a moment ago sits in the WAL until the next checkpoint.
    /// </summary>
    public static void AssertNowhere(string directory, string text, string what)
    {
        var files = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(directory, f)).ToList();
        Assert.Contains("etlweb.db", files);
        Assert.Contains("etlweb.db-wal", files);
        var holding = Containing(directory, text);
        Assert.True(holding.Count == 0, $"{what} is stored in: {string.Join(", ", holding)}");
    }

    /// <summary>The file's bytes; a file SQLite removed since the listing (a -shm or -wal file whose last connection closed) holds nothing.</summary>
    private static byte[] Read(string path)
    {
        try
        {
            return ReadExisting(path);
        }
        catch (FileNotFoundException)
        {
            return [];
        }
    }

    private static byte[] ReadExisting(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }
}
