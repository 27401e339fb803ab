using System.Runtime.Versioning;
using EtlWeb.Configuration;
using Microsoft.Extensions.Configuration;

namespace EtlWeb.Tests.Configuration;

[SupportedOSPlatform("linux")]
public sealed class DataDirectoryTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "etlweb-tests", "datadir-" + Guid.NewGuid().ToString("N"));

    private static IConfiguration Pointing(string directory) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["EtlWeb:DataDirectory"] = directory }).Build();

    [Fact]
    public void A_data_directory_EtlWeb_creates_is_private_and_draws_no_warning()
    {
        var directory = Path.Combine(_root, "new");

        Assert.Null(ConfigurationCheck.DataDirectoryProblem(Pointing(directory)));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(directory, "logs")));
        Assert.Null(ConfigurationCheck.DataDirectoryWarning(Pointing(directory)));
    }

    [Fact]
    public void An_existing_data_directory_others_may_enter_is_kept_as_it_is_and_named_with_the_command_that_closes_it()
    {
        var directory = Path.Combine(_root, "old");
        Directory.CreateDirectory(directory);
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

        Assert.Null(ConfigurationCheck.DataDirectoryProblem(Pointing(directory)));

        Assert.Equal($"The data directory {directory} can be entered by other users of this machine; it holds the databases, the logs and the key ring. Close it with: chmod 700 {directory}", ConfigurationCheck.DataDirectoryWarning(Pointing(directory)));
        Assert.True((File.GetUnixFileMode(directory) & UnixFileMode.OtherRead) != 0);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
