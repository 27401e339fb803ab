using System.Reflection;
using System.Text.RegularExpressions;
using EtlWeb.Core.Runs;

namespace EtlWeb.Tests.Engine;

/// <summary>
/// The architecture the code promises, checked on the source itself: only Core's transitions change a run's or an
/// attempt's status, the folders import each other in one direction only, and no file outgrows a sitting.
/// </summary>
public sealed partial class ArchitectureTests
{
    private static readonly string Src = Path.Combine(RepositoryRoot(), "src");

    [Theory]
    [InlineData(typeof(Run))]
    [InlineData(typeof(Attempt))]
    public void Nothing_outside_Core_can_set_what_a_run_or_an_attempt_records(Type type)
    {
        var settable = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPrivate: false })
            .Select(p => p.Name);

        Assert.Empty(settable);
    }

    [Fact]
    public void No_bulk_update_or_SQL_outside_Core_writes_a_status()
    {
        var writes = SourceFiles(Path.Combine(Src, "EtlWeb"))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: f, Line: i + 1, Text: line)))
            .Where(l => StatusWrite().IsMatch(l.Text))
            .Select(l => $"{Path.GetRelativePath(Src, l.File)}:{l.Line}: {l.Text.Trim()}");

        Assert.Empty(writes);
    }

    [Theory]
    [InlineData("EtlWeb.Core")]
    [InlineData("EtlWeb/Data")]
    [InlineData("EtlWeb/Realtime")]
    [InlineData("EtlWeb/Orchestration")]
    public void The_engine_and_its_storage_import_nothing_from_the_features(string folder)
    {
        var imports = SourceFiles(Path.Combine(Src, folder))
            .Where(f => File.ReadLines(f).Any(l => l.StartsWith("using EtlWeb.Features", StringComparison.Ordinal)))
            .Select(f => Path.GetRelativePath(Src, f));

        Assert.Empty(imports);
    }

    [Fact]
    public void No_two_folders_import_each_other()
    {
        var app = Path.Combine(Src, "EtlWeb");
        var folders = Directory.GetDirectories(app).Select(Path.GetFileName).OfType<string>()
            .Where(d => d is not ("bin" or "obj" or "wwwroot" or "Properties")).ToList();
        var imports = folders.ToDictionary(f => f, f => SourceFiles(Path.Combine(app, f))
            .SelectMany(File.ReadLines)
            .Select(l => Using().Match(l))
            .Where(m => m.Success && m.Groups[1].Value != f)
            .Select(m => m.Groups[1].Value)
            .ToHashSet(StringComparer.Ordinal));

        var mutual = folders.SelectMany(a => imports[a].Where(b => imports.TryGetValue(b, out var back) && back.Contains(a) && string.CompareOrdinal(a, b) < 0)
            .Select(b => $"{a} <-> {b}"));

        Assert.Empty(mutual);
    }

    [Fact]
    public void Every_source_file_reads_in_one_sitting()
    {
        var tooLong = SourceFiles(Src)
            .Select(f => (File: Path.GetRelativePath(Src, f), Lines: File.ReadLines(f).Count()))
            .Where(f => f.Lines > 300)
            .Select(f => $"{f.File}: {f.Lines} lines");

        Assert.Empty(tooLong);
    }

    private static IEnumerable<string> SourceFiles(string folder) =>
        Directory.EnumerateFiles(folder, "*.*", SearchOption.AllDirectories)
            .Where(f => (f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal))
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}Migrations{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "EtlWeb.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("EtlWeb.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>A bulk update of a status property, or SQL that sets a "Status" column.</summary>
    [GeneratedRegex("""SetProperty\(\s*\w+\s*=>\s*\w+\.Status\b|"Status"\s*=""")]
    private static partial Regex StatusWrite();

    /// <summary>A using directive of another top-level folder of the app: its name.</summary>
    [GeneratedRegex(@"^\s*(?:@using|using)\s+EtlWeb\.(\w+)")]
    private static partial Regex Using();
}
