namespace EtlWeb.Configuration;

/// <summary>What the command line asks for before EtlWeb starts: <c>--help</c>, and the report of bad settings.</summary>
public static class StartupCommands
{
    /// <summary>Exit code for a configuration EtlWeb refuses to start with (64 is EX_USAGE in sysexits.h).</summary>
    public const int BadConfiguration = 64;

    private const int Width = 100;

    public static bool AsksForHelp(IEnumerable<string> args) => args.Any(a => a is "--help" or "-h" or "-?" or "/?");

    public static void WriteHelp(TextWriter output)
    {
        output.WriteLine("EtlWeb: a self-hosted job scheduler and ETL orchestrator.");
        output.WriteLine();
        output.WriteLine("Usage: dotnet run --project src/EtlWeb -- [--Key=value ...]");
        output.WriteLine("       dotnet EtlWeb.dll [--Key=value ...]");
        output.WriteLine();
        output.WriteLine("Each setting comes from appsettings.json, then an environment variable (':' written as '__',");
        output.WriteLine("e.g. EtlWeb__MaxConcurrentJobs=8), then a command-line flag (--EtlWeb:MaxConcurrentJobs=8);");
        output.WriteLine("the last one wins. Settings:");
        foreach (var setting in SettingReference.All)
        {
            output.WriteLine();
            output.WriteLine($"  {setting.Key}  (default: {(setting.DefaultText.Length == 0 ? "empty" : setting.DefaultText)})");
            foreach (var line in Wrap(setting.Description, Width - 6))
            {
                output.WriteLine($"      {line}");
            }
        }
    }

    public static void WriteProblems(IReadOnlyList<string> problems, TextWriter error)
    {
        error.WriteLine($"EtlWeb did not start: {problems.Count} setting(s) to fix.");
        foreach (var problem in problems)
        {
            error.WriteLine($"  - {problem}");
        }

        error.WriteLine("Run with --help to see every setting, its default and what it accepts.");
    }

    private static IEnumerable<string> Wrap(string text, int width)
    {
        var line = "";
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                yield return line;
                line = word;
            }
            else
            {
                line = line.Length == 0 ? word : $"{line} {word}";
            }
        }

        if (line.Length > 0)
        {
            yield return line;
        }
    }
}
