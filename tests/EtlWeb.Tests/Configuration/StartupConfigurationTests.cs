using EtlWeb.Configuration;

namespace EtlWeb.Tests.Configuration;

/// <summary>The real EtlWeb.dll started with bad settings: it must refuse to start, say why per value, and leave no files behind.</summary>
public sealed class StartupConfigurationTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "etlweb-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task Help_lists_every_setting_with_its_default_and_starts_nothing()
    {
        var help = await EtlWebCommand.RunAsync(["--help", $"--EtlWeb:DataDirectory={_dataDirectory}"]);

        Assert.Equal(0, help.ExitCode);
        foreach (var setting in SettingReference.All)
        {
            Assert.Contains($"  {setting.Key}  (default: {(setting.DefaultText.Length == 0 ? "empty" : setting.DefaultText)})", help.Output, StringComparison.Ordinal);
        }

        Assert.Contains("EtlWeb__MaxConcurrentJobs=8", help.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_dataDirectory));
    }

    [Fact]
    public async Task Bad_values_stop_the_start_with_one_line_per_value_naming_the_key_the_source_and_what_is_allowed()
    {
        var run = await EtlWebCommand.RunAsync(
            [$"--EtlWeb:DataDirectory={_dataDirectory}", "--EtlWeb:Retention:Days=-1", "--EtlWeb:Smtp:Security=tls", "--Urls=ftp://example.com"],
            new Dictionary<string, string>
            {
                ["EtlWeb__MaxConcurrentJobs"] = "five",
                ["EtlWeb__Auth__BootstrapToken"] = "too-short-a-secret",
                ["EtlWeb__Slack__Enabled"] = "yes",
                ["EtlWeb__Notifications__RetryBackoff"] = "0.5",
            });

        Assert.Equal(StartupCommands.BadConfiguration, run.ExitCode);
        var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains("EtlWeb did not start: 7 setting(s) to fix.", lines);
        Assert.Contains("- EtlWeb:MaxConcurrentJobs = \"five\" from the environment variable EtlWeb__MaxConcurrentJobs: must be a whole number from 1 to 256.", lines);
        Assert.Contains("- EtlWeb:Retention:Days = \"-1\" from the command line: must be from 0 to 36500.", lines);
        Assert.Contains("- EtlWeb:Smtp:Security = \"tls\" from the command line: must be one of None, StartTls, SslOnConnect.", lines);
        Assert.Contains("- EtlWeb:Slack:Enabled = \"yes\" from the environment variable EtlWeb__Slack__Enabled: must be true or false.", lines);
        Assert.Contains("- EtlWeb:Notifications:RetryBackoff = \"0.5\" from the environment variable EtlWeb__Notifications__RetryBackoff: must be from 1 to 100.", lines);
        Assert.Contains(lines, l => l.StartsWith("- Urls = \"ftp://example.com\" from the command line: must be one or more http:// or https:// addresses", StringComparison.Ordinal));
        // A secret is named but never echoed.
        Assert.Contains("- EtlWeb:Auth:BootstrapToken = (hidden) from the environment variable EtlWeb__Auth__BootstrapToken: must be at least 32 characters long; generate one with `openssl rand -base64 32`.", lines);
        Assert.DoesNotContain("too-short-a-secret", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error + run.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dataDirectory, "etlweb.db")), "a refused start must not create the database");
    }

    [Fact]
    public async Task A_command_line_flag_overrides_an_environment_variable_which_overrides_appsettings()
    {
        var run = await EtlWebCommand.RunAsync(
            [$"--EtlWeb:DataDirectory={_dataDirectory}", "--EtlWeb:KillGraceSeconds=-3"],
            new Dictionary<string, string> { ["EtlWeb__KillGraceSeconds"] = "-2" });

        Assert.Equal(StartupCommands.BadConfiguration, run.ExitCode);
        Assert.Contains("EtlWeb:KillGraceSeconds = \"-3\" from the command line: must be from 0 to 600.", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("\"-2\"", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_misspelt_setting_is_refused_with_the_setting_it_was_probably_meant_to_be()
    {
        var run = await EtlWebCommand.RunAsync(
            [$"--EtlWeb:DataDirectory={_dataDirectory}"],
            new Dictionary<string, string> { ["EtlWeb__MaxConcurentJobs"] = "8" });

        Assert.Equal(StartupCommands.BadConfiguration, run.ExitCode);
        Assert.Contains(
            "EtlWeb:MaxConcurentJobs = \"8\" from the environment variable EtlWeb__MaxConcurentJobs: not a setting EtlWeb knows (did you mean EtlWeb:MaxConcurrentJobs?)",
            run.Error,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_data_directory_that_cannot_be_created_is_reported_before_anything_starts()
    {
        Directory.CreateDirectory(_dataDirectory);
        var file = Path.Combine(_dataDirectory, "a-file");
        await File.WriteAllTextAsync(file, "not a directory");

        var run = await EtlWebCommand.RunAsync([$"--EtlWeb:DataDirectory={Path.Combine(file, "data")}"]);

        Assert.Equal(StartupCommands.BadConfiguration, run.ExitCode);
        Assert.Contains($"EtlWeb:DataDirectory = \"{Path.Combine(file, "data")}\" from the command line: cannot be created or written", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }
}
