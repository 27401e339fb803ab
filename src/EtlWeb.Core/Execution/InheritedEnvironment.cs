using System.Collections;
using System.Text.RegularExpressions;

namespace EtlWeb.Core.Execution;

/// <summary>
/// The part of EtlWeb's own environment a job's process may see: an allow-list of the variables a program needs
/// to run as this user (PATH, HOME, the locale, the time zone, ...) plus the names an administrator adds. Everything
/// else stays with EtlWeb, above all its own configuration (the bootstrap token, the database password, the SMTP
/// password), which no configuration can pass on.
/// </summary>
public sealed partial class InheritedEnvironment
{
    /// <summary>What every job gets from EtlWeb's environment, when EtlWeb has it. A trailing * matches any ending.</summary>
    public static IReadOnlyList<string> Defaults { get; } =
        ["PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "LC_*", "TZ", "TMPDIR", "TERM", "HOSTNAME"];

    /// <summary>
    /// Configuration of .NET, ASP.NET Core and EtlWeb (any case, with "__" or ":"): never passed on, even when named.
    /// Kestrel's section holds certificate passwords and Serilog's may hold a log server's key.
    /// </summary>
    public static IReadOnlyList<string> Forbidden { get; } =
        ["EtlWeb__*", "ConnectionStrings__*", "ASPNETCORE_*", "DOTNET_*", "Kestrel__*", "Serilog__*"];

    private readonly string[] _exact;
    private readonly string[] _prefixes;

    private InheritedEnvironment(IEnumerable<string> patterns)
    {
        var all = patterns.ToList();
        _exact = [.. all.Where(p => !p.EndsWith('*'))];
        _prefixes = [.. all.Where(p => p.EndsWith('*')).Select(p => p[..^1])];
    }

    /// <summary>Nothing inherited: a job sees only its own variables.</summary>
    public static InheritedEnvironment None { get; } = new([]);

    /// <summary>The defaults and <paramref name="extra"/> names (validated by <see cref="Problems"/> first).</summary>
    public static InheritedEnvironment With(IEnumerable<string> extra) => new(Defaults.Concat(extra));

    /// <summary>Splits a setting's text (names separated by commas, semicolons or spaces) into names.</summary>
    public static IReadOnlyList<string> ParseNames(string? text) =>
        (text ?? "").Split([',', ';', ' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>One message per name that is not a variable name (or NAME*) or that names EtlWeb's own configuration.</summary>
    public static IReadOnlyList<string> Problems(IEnumerable<string> names)
    {
        var problems = new List<string>();
        foreach (var name in names)
        {
            if (!NamePattern().IsMatch(name))
            {
                problems.Add($"'{name}' is not a variable name (letters, digits and _, not starting with a digit; a trailing * matches any ending).");
            }
            else if (IsForbidden(name.TrimEnd('*')))
            {
                problems.Add($"'{name}' would pass EtlWeb's own configuration to jobs ({string.Join(", ", Forbidden)} are never passed on).");
            }
        }

        return problems;
    }

    /// <summary>Whether a variable is .NET's, ASP.NET Core's or EtlWeb's configuration (which may hold its secrets).</summary>
    public static bool IsForbidden(string name)
    {
        var normalised = name.Replace(":", "__", StringComparison.Ordinal);
        return Forbidden.Any(f => normalised.StartsWith(f[..^1], StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The variables of <paramref name="source"/> (EtlWeb's environment) a job inherits.</summary>
    public IReadOnlyDictionary<string, string> Select(IDictionary source)
    {
        var selected = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in source)
        {
            if (entry.Key is string name && entry.Value is string value && Allows(name))
            {
                selected[name] = value;
            }
        }

        return selected;
    }

    public bool Allows(string name) =>
        !IsForbidden(name)
        && (_exact.Contains(name, StringComparer.Ordinal) || _prefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)));

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*\\*?$")]
    private static partial Regex NamePattern();
}
