using EtlWeb.Core.Execution;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;

namespace EtlWeb.Configuration;

/// <summary>
/// Checks every setting before anything starts and says, one line per bad value, which key is wrong, where the value
/// came from and what is allowed; an unknown key under <c>EtlWeb</c> is refused too, since a misspelt variable
/// would otherwise be ignored without a word.
/// </summary>
public static class ConfigurationCheck
{
    /// <summary>The values alone; they are checked before the host is built, since building it already reads some.</summary>
    public static IReadOnlyList<string> Problems(IConfiguration configuration)
    {
        var problems = new List<string>();
        foreach (var setting in SettingReference.All)
        {
            if (configuration[setting.Key] is { } raw && Problem(setting, raw) is { } problem)
            {
                problems.Add($"{Describe(configuration, setting.Key, raw)}: {problem}.");
            }
        }

        if (NeedsConnectionString(configuration))
        {
            problems.Add(DatabaseOptions.MissingConnectionString + ".");
        }

        if (problems.Count == 0)
        {
            problems.AddRange(NodeProblems(configuration));
            problems.AddRange(KeyRingProblems(configuration));
        }

        var known = SettingReference.All.Select(s => s.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var leaf in Leaves(configuration.GetSection(EtlWebOptions.Section)).Where(l => !known.Contains(l.Path)))
        {
            problems.Add($"{Describe(configuration, leaf.Path, leaf.Value ?? "")}: not a setting EtlWeb knows{Suggestion(leaf.Path)}; `--help` lists them all.");
        }

        return problems;
    }

    /// <summary>PostgreSQL asked for without saying where it is: no single value is wrong, the pair is.</summary>
    private static bool NeedsConnectionString(IConfiguration configuration) =>
        Enum.TryParse<DatabaseProvider>(configuration[$"{DatabaseOptions.Section}:{nameof(DatabaseOptions.Provider)}"]?.Trim(), ignoreCase: true, out var provider)
        && provider == DatabaseProvider.PostgreSql
        && string.IsNullOrWhiteSpace(configuration[$"{DatabaseOptions.Section}:{nameof(DatabaseOptions.ConnectionString)}"]);

    /// <summary>Node settings that are each valid but do not go together; read only once every value parsed.</summary>
    private static IEnumerable<string> NodeProblems(IConfiguration configuration)
    {
        var node = configuration.GetSection($"{EtlWebOptions.Section}:Node").Get<NodeOptions>() ?? new NodeOptions();
        var database = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        if (node.IsWorker && !database.IsPostgreSql)
        {
            yield return $"{EtlWebOptions.Section}:Node:Role is Worker but {DatabaseOptions.Section}:Provider is {database.Provider}: "
                + "a worker takes its work from the queue it shares with a web node, which needs PostgreSql.";
        }

        if (!node.RunsAttempts && (node.IsWorker || !database.IsPostgreSql))
        {
            yield return $"{EtlWebOptions.Section}:Node:RunsAttempts is false, but "
                + (node.IsWorker ? "this node is a Worker, which exists to run attempts." : $"{DatabaseOptions.Section}:Provider is {database.Provider}: no other node would run them.");
        }

        if (node.LostAfterSeconds <= 2 * node.HeartbeatSeconds)
        {
            yield return $"{EtlWebOptions.Section}:Node:LostAfterSeconds ({node.LostAfterSeconds}) must be more than twice "
                + $"{EtlWebOptions.Section}:Node:HeartbeatSeconds ({node.HeartbeatSeconds}), or a node that is merely slow is taken for lost.";
        }
    }

    /// <summary>A key ring certificate that is configured but cannot protect the keys: the file, the password, the private key.</summary>
    private static IEnumerable<string> KeyRingProblems(IConfiguration configuration)
    {
        var options = configuration.GetSection(KeyRingOptions.Section).Get<KeyRingOptions>() ?? new KeyRingOptions();
        string? problem = null;
        try
        {
            options.Load()?.Dispose();
        }
        catch (InvalidOperationException ex)
        {
            problem = $"{Describe(configuration, $"{KeyRingOptions.Section}:{nameof(KeyRingOptions.Certificate)}", options.Certificate)}: {ex.Message}.";
        }

        return problem is null ? [] : [problem];
    }

    private static IEnumerable<IConfigurationSection> Leaves(IConfigurationSection section)
    {
        var children = section.GetChildren().ToList();
        return children.Count == 0 ? section.Value is null ? [] : [section] : children.SelectMany(Leaves);
    }

    private static string? Problem(SettingReference setting, string raw)
    {
        if (!TryParse(setting.Type, raw, out var value))
        {
            return setting.Type switch
            {
                _ when setting.Type.IsEnum => $"must be one of {string.Join(", ", Enum.GetNames(setting.Type))}",
                _ when setting.Type == typeof(bool) => "must be true or false",
                _ when setting.Type == typeof(double) => $"must be a number {RangeText(setting.Range)}".TrimEnd(),
                _ => $"must be a whole number {RangeText(setting.Range)}".TrimEnd(),
            };
        }

        if (setting.Range is { } range && !range.IsValid(value))
        {
            return $"must be {RangeText(range)}";
        }

        if (setting.Property.GetCustomAttributes(typeof(RequiredAttribute), true).Length > 0 && raw.Trim().Length == 0)
        {
            return "must not be empty";
        }

        return setting.Property.GetCustomAttributes(typeof(ValidationAttribute), true)
            .OfType<ValidationAttribute>()
            .Where(a => a is not RangeAttribute and not RequiredAttribute)
            .FirstOrDefault(a => !a.IsValid(value))?.FormatErrorMessage(setting.Key);
    }

    private static bool TryParse(Type type, string raw, out object? value)
    {
        var text = raw.Trim();
        value = null;
        if (type == typeof(string))
        {
            value = raw;
            return true;
        }

        if (type.IsEnum)
        {
            return Enum.TryParse(type, text, ignoreCase: true, out value) && Enum.IsDefined(type, value!) && !text.All(char.IsAsciiDigit);
        }

        (bool Parsed, object? Value) result = type switch
        {
            _ when type == typeof(bool) => (bool.TryParse(text, out var b), b),
            _ when type == typeof(int) => (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i), i),
            _ when type == typeof(long) => (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l), l),
            _ when type == typeof(double) => (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d), d),
            _ => throw new NotSupportedException($"No start-up check for settings of type {type.Name}."),
        };
        value = result.Value;
        return result.Parsed;
    }

    private static string RangeText(RangeAttribute? range) => range is null
        ? ""
        : Convert.ToDouble(range.Maximum, CultureInfo.InvariantCulture) >= long.MaxValue
            ? $"{Convert.ToString(range.Minimum, CultureInfo.InvariantCulture)} or more"
            : $"from {Convert.ToString(range.Minimum, CultureInfo.InvariantCulture)} to {Convert.ToString(range.Maximum, CultureInfo.InvariantCulture)}";

    /// <summary>The key, its value and where it was set: the place to go and fix it.</summary>
    private static string Describe(IConfiguration configuration, string key, string value)
    {
        var shown = key.Contains("Password", StringComparison.OrdinalIgnoreCase) || key.Contains("Token", StringComparison.OrdinalIgnoreCase)
            || key.Contains("WebhookUrl", StringComparison.OrdinalIgnoreCase) || key.Contains("ConnectionString", StringComparison.OrdinalIgnoreCase)
            ? "(hidden)"
            : $"\"{value}\"";
        var source = configuration is IConfigurationRoot root
            ? root.Providers.Reverse().FirstOrDefault(p => p.TryGet(key, out _)) switch
            {
                JsonConfigurationProvider json => $" in {json.Source.Path}",
                EnvironmentVariablesConfigurationProvider => $" from the environment variable {key.Replace(":", "__", StringComparison.Ordinal)}",
                CommandLineConfigurationProvider => " from the command line",
                _ => "",
            }
            : "";
        return $"{key} = {shown}{source}";
    }

    private static string Suggestion(string key)
    {
        var closest = SettingReference.All.Select(s => s.Key).MinBy(k => Distance(k.ToUpperInvariant(), key.ToUpperInvariant()));
        return closest is not null && Distance(closest.ToUpperInvariant(), key.ToUpperInvariant()) <= 3 ? $" (did you mean {closest}?)" : "";
    }

    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }

    /// <summary>PostgreSQL could not be reached or refused EtlWeb: the connection string is named (never shown) with Npgsql's reason.</summary>
    public static string DatabaseProblem(IConfiguration configuration, Exception exception)
    {
        var key = $"{DatabaseOptions.Section}:{nameof(DatabaseOptions.ConnectionString)}";
        return $"{Describe(configuration, key, "")}: PostgreSQL could not be reached or refused EtlWeb ({exception.Message}).";
    }

    /// <summary>A data directory other users may enter (made by hand, or by an older EtlWeb): what to run to close it.</summary>
    public static string? DataDirectoryWarning(IConfiguration configuration)
    {
        var full = Path.GetFullPath(configuration[$"{EtlWebOptions.Section}:{nameof(EtlWebOptions.DataDirectory)}"] ?? new EtlWebOptions().DataDirectory);
        return PrivateDirectory.IsOpenToOthers(full)
            ? $"The data directory {full} can be entered by other users of this machine; it holds the databases, the logs and the key ring. Close it with: chmod 700 {full}"
            : null;
    }

    /// <summary>
    /// The one check that needs the disk, made once the values are known good: a data directory that cannot be
    /// created or written (a volume owned by another user).
    /// </summary>
    public static string? DataDirectoryProblem(IConfiguration configuration)
    {
        var key = $"{EtlWebOptions.Section}:{nameof(EtlWebOptions.DataDirectory)}";
        var directory = configuration[key] ?? new EtlWebOptions().DataDirectory;
        try
        {
            var full = Path.GetFullPath(directory);
            PrivateDirectory.Ensure(full);
            PrivateDirectory.Ensure(Path.Combine(full, "logs"));
            var probe = Path.Combine(full, $".write-check-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return $"{Describe(configuration, key, directory)}: cannot be created or written ({ex.Message}); in a container the volume must be writable by the user EtlWeb runs as.";
        }
    }
}
