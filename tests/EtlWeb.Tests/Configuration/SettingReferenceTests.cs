using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using EtlWeb.Configuration;
using Microsoft.Extensions.Configuration;

namespace EtlWeb.Tests.Configuration;

/// <summary>The settings reference is the one list: appsettings.json, the README table and the options records must agree with it.</summary>
public sealed partial class SettingReferenceTests
{
    private static readonly string Root = FindRoot();

    [Fact]
    public void Appsettings_json_lists_every_setting_with_its_default_and_nothing_else()
    {
        var appsettings = new ConfigurationBuilder().AddJsonFile(Path.Combine(Root, "src", "EtlWeb", "appsettings.json")).Build();
        var checkedAsIs = new ConfigurationBuilder()
            .AddConfiguration(appsettings)
            .AddInMemoryCollection([new("EtlWeb:DataDirectory", Path.Combine(Path.GetTempPath(), "etlweb-tests", "settings-check"))])
            .Build();

        foreach (var setting in SettingReference.All)
        {
            Assert.True(appsettings[setting.Key] is not null, $"{setting.Key} is missing from appsettings.json");
            Assert.Equal(setting.DefaultText, appsettings[setting.Key], ignoreCase: setting.Type == typeof(bool));
        }

        Assert.Empty(ConfigurationCheck.Problems(checkedAsIs));
        Assert.Null(ConfigurationCheck.DataDirectoryProblem(checkedAsIs));
    }

    [Fact]
    public void Every_setting_has_a_description_and_every_options_record_is_in_the_reference()
    {
        Assert.All(SettingReference.All, s => Assert.False(string.IsNullOrWhiteSpace(s.Description), $"{s.Key} has no [Description]"));

        var described = SettingReference.All.Select(s => s.Property.DeclaringType).ToHashSet();
        var records = typeof(SettingReference).Assembly.GetTypes()
            .Where(t => t.Name.EndsWith("Options", StringComparison.Ordinal) && t.IsSealed && !t.IsGenericType && t.GetConstructor(Type.EmptyTypes) is not null);
        Assert.All(records, t => Assert.Contains(t, described));
    }

    [Fact]
    public void The_readme_table_has_a_row_for_every_setting_with_its_default()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        var start = readme.IndexOf("\n## Configuration\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "README has no Configuration section");
        var end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var section = readme[start..(end < 0 ? readme.Length : end)];
        var rows = TableRow().Matches(section).ToDictionary(m => m.Groups["key"].Value, m => m.Groups["default"].Value);

        foreach (var setting in SettingReference.All)
        {
            Assert.True(rows.TryGetValue(setting.Key, out var shown), $"README has no row for {setting.Key}");
            Assert.Equal(setting.DefaultText.Length == 0 ? "empty" : $"`{setting.DefaultText}`", shown);
        }

        Assert.All(rows.Keys, key => Assert.Contains(key, SettingReference.All.Select(s => s.Key)));
    }

    [Theory]
    [InlineData("EtlWeb:MaxConcurrentJobs", "0", "must be from 1 to 256")]
    [InlineData("EtlWeb:MaxConcurrentJobs", "2.5", "must be a whole number from 1 to 256")]
    [InlineData("EtlWeb:MaxLogBytesPerAttempt", "12", "must be 1024 or more")]
    [InlineData("EtlWeb:PublicUrl", "etl.example.com", "must be an absolute http:// or https:// address")]
    [InlineData("EtlWeb:Slack:WebhookUrl", "hooks.slack.com/x", "must be an absolute http:// or https:// address")]
    [InlineData("EtlWeb:DataDirectory", " ", "must not be empty")]
    [InlineData("EtlWeb:Smtp:Port", "70000", "must be from 1 to 65535")]
    [InlineData("EtlWeb:Notifications:CheckIntervalSeconds", "NaN", "must be a number from 1 to 3600")]
    public void A_bad_value_is_named_with_what_the_setting_accepts(string key, string value, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new(key, value)]).Build();

        var problem = Assert.Single(ConfigurationCheck.Problems(configuration));
        Assert.StartsWith($"{key} = ", problem, StringComparison.Ordinal);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Urls", "http://0.0.0.0:8080;https://*:8443")]
    [InlineData("EtlWeb:PublicUrl", "https://etl.example.com/")]
    [InlineData("EtlWeb:Smtp:Security", "ssloNConnect")]
    [InlineData("EtlWeb:Auth:BootstrapToken", "")]
    [InlineData("EtlWeb:Notifications:RetryDelaySeconds", "0.5")]
    public void A_good_value_passes(string key, string value)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new(key, value), new("EtlWeb:DataDirectory", Path.Combine(Path.GetTempPath(), "etlweb-tests", "settings-check"))])
            .Build();

        Assert.Empty(ConfigurationCheck.Problems(configuration));
        Assert.Null(ConfigurationCheck.DataDirectoryProblem(configuration));
    }

    [GeneratedRegex(@"^\| `(?<key>[A-Za-z:0-9]+)` \| (?<default>[^|]+?) \|", RegexOptions.Multiline)]
    private static partial Regex TableRow();

    /// <summary>Above the test assembly, or above this source file when the build put its output elsewhere (--artifacts-path).</summary>
    private static string FindRoot([CallerFilePath] string sourceFile = "") =>
        Above(Path.GetDirectoryName(Assembly.GetExecutingAssembly().Location)!) ?? Above(Path.GetDirectoryName(sourceFile)!)
        ?? throw new InvalidOperationException("EtlWeb.sln not found above the test assembly or its sources.");

    private static string? Above(string start)
    {
        var directory = new DirectoryInfo(start);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "EtlWeb.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName;
    }
}
