using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using EtlWeb.Testing;
using EtlWeb.Tests.Support;
using Xunit.Abstractions;

namespace EtlWeb.Tests.Packaging;

/// <summary>
/// The image's build stage (a Release publish) keeps both cores busy for minutes; run alone, it does not slow the
/// timing-sensitive tests that would otherwise run beside it.
/// </summary>
[CollectionDefinition(nameof(DockerfileTests), DisableParallelization = true)]
public sealed class DockerfileCollection;

/// <summary>
/// There is no Docker engine where the tests run, so the Dockerfile is checked by doing what it says: its build
/// stage's COPY lines and RUN commands here (the installed SDK standing in for the SDK image), then the published
/// app started as the runtime stage starts it, until the HEALTHCHECK passes. The compose file is checked by reading.
/// </summary>
[Collection(nameof(DockerfileTests))]
public sealed class DockerfileTests(ITestOutputHelper log) : IDisposable
{
    /// <summary>What the ASP.NET Core base image sets; the Dockerfile's ENV comes on top of it.</summary>
    private const string AspNetImageHttpPorts = "8080";

    private static readonly string Root = Repository.Root;

    private readonly string _temp = Path.Combine(Path.GetTempPath(), "etlweb-tests", "docker-" + Guid.NewGuid().ToString("N"));
    private readonly IReadOnlyList<DockerStage> _stages = DockerfileReader.Read(Path.Combine(Root, "Dockerfile"));

    private DockerStage BuildStage => _stages.Single(s => s.Name == "build");

    private DockerStage RuntimeStage => _stages[^1];

    [Fact]
    public async Task The_build_stage_publishes_here_and_the_app_started_as_the_runtime_stage_starts_it_passes_the_healthcheck()
    {
        // The SDK here stands in for the SDK image only if it is the same SDK, the one the lock files were written with.
        var (_, sdk) = await RunAsync("dotnet --version", Root);
        Assert.Equal($"mcr.microsoft.com/dotnet/sdk:{sdk.Trim()}-noble", BuildStage.Image);
        await RunBuildStageAsync();
        var copies = RuntimeStage.Arguments("COPY").Select(c => c.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.Equal([["--from=build", "/app", "."], ["--chmod=755", "docker/etlweb-init", "/usr/local/bin/etlweb-init"]], copies);
        var publish = InTemp(copies[0][1]);

        // tini is PID 1 in the image (it only reaps orphans, which this test's own process tree needs no help with);
        // the init script it starts is run from the repository, as the second COPY puts it in the image.
        Assert.Equal(["tini", "--", "etlweb-init", "dotnet", "EtlWeb.dll"], Entrypoint());

        // The Dockerfile's ENV as it is, except where the test machine differs from a container: the data directory
        // is a temp directory instead of the /data volume, and the port is a free loopback one instead of 8080 on
        // all interfaces (the container's own network namespace). EtlWebChild adds its bootstrap token, which the
        // health check does not use.
        var address = EtlWebChild.FreeAddress();
        var dataDirectory = InTemp("/data");
        var settings = new Dictionary<string, string> { ["ASPNETCORE_HTTP_PORTS"] = AspNetImageHttpPorts };
        foreach (var (name, value) in RuntimeEnvironment())
        {
            settings[name] = value;
        }

        settings["EtlWeb__DataDirectory"] = dataDirectory;
        settings["Urls"] = address.ToString().TrimEnd('/');
        var output = new ConcurrentQueue<string>();
        using var app = EtlWebChild.Start(dataDirectory, address, settings, (line, _) => output.Enqueue(line), publish, ["sh", Path.Combine(Root, copies[1][1])]);
        try
        {
            var clock = Stopwatch.StartNew();
            try
            {
                await EtlWebChild.WaitHealthyAsync(app, address, TimeSpan.FromSeconds(60));
                log.WriteLine($"healthy after {clock.Elapsed.TotalSeconds:F1} s");
            }
            catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
            {
                Assert.Fail(ex.Message + "\n" + string.Join('\n', output));
            }

            Assert.DoesNotContain(output, line => line.Contains("Overriding HTTP_PORTS", StringComparison.Ordinal));

            // The HEALTHCHECK's own command, pointed at this app's address.
            var (command, url) = Healthcheck();
            var (exitCode, text) = await RunAsync(command.Replace(url.GetLeftPart(UriPartial.Authority), address.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal), publish);
            Assert.True(exitCode == 0, $"HEALTHCHECK '{command}' failed with {exitCode}:\n{text}");
        }
        finally
        {
            if (!app.HasExited)
            {
                // docker stop: SIGTERM to the entry point, which passes it on to EtlWeb and ends with it.
                using (var stop = Process.Start("kill", ["-TERM", app.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                {
                    await stop.WaitForExitAsync();
                }

                await app.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            }
        }
    }

    [Fact]
    public void The_runtime_stage_runs_as_a_non_root_user_with_its_data_in_the_data_volume_listening_on_all_interfaces()
    {
        var user = Assert.Single(RuntimeStage.Arguments("USER"));
        Assert.DoesNotMatch("^(root|0)(:|$)", user);
        Assert.Contains(RuntimeStage.Arguments("RUN"), run => run.Contains($"useradd --system --create-home --uid 10001 {user}", StringComparison.Ordinal));
        Assert.Contains(RuntimeStage.Arguments("VOLUME"), volume => volume.Split(' ').Contains("/data"));
        var environment = RuntimeEnvironment();
        Assert.Equal("/data", environment["EtlWeb__DataDirectory"]);
        var listen = new Uri(environment["Urls"]);
        Assert.Equal("0.0.0.0", listen.Host);
        Assert.Equal(listen.Port, Healthcheck().Url.Port);

        // The job kinds' programs, and the one the HEALTHCHECK runs.
        var install = Assert.Single(RuntimeStage.Arguments("RUN"), run => run.Contains("apt-get install", StringComparison.Ordinal)).Split(' ');
        Assert.All(new[] { "bash", "python3", "python3-venv", "sqlite3", "postgresql-client", "default-mysql-client", "tini", Healthcheck().Command.Split(' ')[0] }, package => Assert.Contains(package, install));

        // The restore layer: locked mode, from the two projects' lock files copied before it.
        var restore = BuildStage.Instructions.ToList().FindIndex(i => i.Keyword == "RUN" && i.Arguments.StartsWith("dotnet restore", StringComparison.Ordinal));
        Assert.Contains("--locked-mode", BuildStage.Instructions[restore].Arguments.Split(' '));
        var copiedFirst = BuildStage.Instructions.Take(restore).Where(i => i.Keyword == "COPY").SelectMany(i => i.Arguments.Split(' ')).ToList();
        Assert.Contains("src/EtlWeb/packages.lock.json", copiedFirst);
        Assert.Contains("src/EtlWeb.Core/packages.lock.json", copiedFirst);
    }

    [Fact]
    public void Compose_publishes_on_loopback_only_and_takes_the_secrets_from_an_optional_env_file_that_is_never_committed_or_built_in()
    {
        var compose = File.ReadAllLines(Path.Combine(Root, "docker-compose.yml"));
        var ports = compose.SkipWhile(line => line.Trim() != "ports:").Skip(1)
            .TakeWhile(line => line.TrimStart().StartsWith("- ", StringComparison.Ordinal))
            .Select(line => line.Trim()[2..].Trim('"', '\''))
            .ToList();
        Assert.NotEmpty(ports);
        Assert.All(ports, port => Assert.StartsWith("127.0.0.1:", port, StringComparison.Ordinal));

        var text = string.Join('\n', compose);
        Assert.Matches(@"\n +env_file:\n +- path: \.env\n +required: false\n", text);
        var secrets = new[] { "EtlWeb__Auth__BootstrapToken", "EtlWeb__Smtp__Password", "EtlWeb__Slack__WebhookUrl" };

        // A value under environment would win over .env's.
        Assert.All(secrets, name => Assert.DoesNotMatch($@"\n +{name}:", text));
        var example = File.ReadAllText(Path.Combine(Root, ".env.example"));
        Assert.All(secrets, name => Assert.Contains(name + "=", example, StringComparison.Ordinal));
        Assert.Contains(".env", File.ReadAllLines(Path.Combine(Root, ".gitignore")));
        Assert.True(DockerIgnore.Read(Path.Combine(Root, ".dockerignore")).Excludes(".env"), ".dockerignore does not leave .env out");
    }

    public void Dispose()
    {
        if (Directory.Exists(_temp))
        {
            Directory.Delete(_temp, recursive: true);
        }
    }

    /// <summary>Where a path inside the image lives in this test's temp directory.</summary>
    private string InTemp(string imagePath) => Path.Combine(_temp, imagePath.TrimStart('/'));

    private async Task RunBuildStageAsync()
    {
        var ignore = DockerIgnore.Read(Path.Combine(Root, ".dockerignore"));
        var workdir = "/";

        // The SDK image has dotnet and a shell, no Node.js: the build stage runs with a PATH of those two alone, so a
        // build step that needs another program (npm) fails here as it would in the image.
        var programs = Directory.CreateDirectory(Path.Combine(_temp, "programs")).FullName;
        File.CreateSymbolicLink(Path.Combine(programs, "dotnet"), "/usr/bin/dotnet");
        File.CreateSymbolicLink(Path.Combine(programs, "sh"), "/bin/sh");
        foreach (var instruction in BuildStage.Instructions)
        {
            switch (instruction.Keyword)
            {
                case "WORKDIR":
                    workdir = instruction.Arguments;
                    Directory.CreateDirectory(InTemp(workdir));
                    break;
                case "COPY":
                    Copy(instruction.Arguments, InTemp(workdir), ignore);
                    break;
                case "RUN":
                    // Absolute paths in the command are paths in the image, so they move into the temp directory.
                    var command = Regex.Replace(instruction.Arguments, @"(?<=^|\s)/\S*", path => InTemp(path.Value));
                    var clock = Stopwatch.StartNew();
                    var (exitCode, output) = await RunAsync(command, InTemp(workdir), programs);
                    Assert.True(exitCode == 0, $"RUN {instruction.Arguments} failed with {exitCode}:\n{output}");
                    log.WriteLine($"RUN {instruction.Arguments}: {clock.Elapsed.TotalSeconds:F1} s");
                    break;
                default:
                    Assert.Fail($"The build stage's {instruction.Keyword} is new to this test: teach it what Docker does with it.");
                    break;
            }
        }
    }

    /// <summary>
    /// COPY from the build context: a file the line names must exist and must not be left out by .dockerignore; a
    /// directory's content is copied without what .dockerignore leaves out.
    /// </summary>
    private static void Copy(string arguments, string workdir, DockerIgnore ignore)
    {
        var words = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.DoesNotContain(words, word => word.StartsWith("--", StringComparison.Ordinal));
        var destination = Path.Combine(workdir, words[^1]);
        foreach (var source in words[..^1])
        {
            var relative = source.TrimEnd('/');
            var path = Path.Combine(Root, relative);
            Assert.False(ignore.Excludes(relative), $"COPY {source}: .dockerignore leaves it out of the build context");
            if (Directory.Exists(path))
            {
                foreach (var file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories))
                {
                    var inContext = Path.GetRelativePath(Root, file).Replace('\\', '/');
                    if (!ignore.Excludes(inContext))
                    {
                        var target = Path.Combine(destination, Path.GetRelativePath(path, file));
                        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                        File.Copy(file, target, overwrite: true);
                    }
                }
            }
            else
            {
                Assert.True(File.Exists(path), $"COPY {source}: no such file in the repository");
                Assert.True(words[^1].EndsWith('/') || words[^1] == ".", $"COPY {arguments}: the destination is not a directory");
                Directory.CreateDirectory(destination);
                File.Copy(path, Path.Combine(destination, Path.GetFileName(path)), overwrite: true);
            }
        }
    }

    /// <summary>Runs a command as a Dockerfile's shell form does, with stdin closed; a command past ten minutes is stopped.</summary>
    private static async Task<(int ExitCode, string Output)> RunAsync(string command, string workingDirectory, string? path = null)
    {
        var start = new ProcessStartInfo("/bin/sh")
        {
            ArgumentList = { "-c", command },
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        // No MSBuild node, build server or compiler server may outlive the build: the test stops what it starts.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["UseSharedCompilation"] = "false";
        if (path is not null)
        {
            start.Environment["PATH"] = path;
        }

        var output = new ConcurrentQueue<string>();
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            output.Enqueue("(stopped after ten minutes)");
        }

        return (process.ExitCode, string.Join('\n', output.TakeLast(200)));

        void Keep(string? line)
        {
            if (line is not null)
            {
                output.Enqueue(line);
            }
        }
    }

    /// <summary>The runtime stage's ENV pairs (unquoted name=value words).</summary>
    private Dictionary<string, string> RuntimeEnvironment()
    {
        var pairs = RuntimeStage.Arguments("ENV").SelectMany(env => env.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return pairs.Select(pair => pair.Split('=', 2)).ToDictionary(pair => pair[0], pair => pair[1]);
    }

    private string[] Entrypoint() => JsonSerializer.Deserialize<string[]>(Assert.Single(RuntimeStage.Arguments("ENTRYPOINT")))!;

    private (string Command, Uri Url) Healthcheck()
    {
        var healthcheck = Assert.Single(RuntimeStage.Arguments("HEALTHCHECK"));
        var command = healthcheck[(healthcheck.IndexOf(" CMD ", StringComparison.Ordinal) + 5)..];
        var url = new Uri(Regex.Match(command, @"https?://\S+").Value);
        Assert.Equal("/health", url.AbsolutePath);
        return (command, url);
    }
}
