using System.Net;
using System.Text.Json.Nodes;
using EtlWeb.Core.Jobs;
using EtlWeb.Testing;
using EtlWeb.Tests.Support;

namespace EtlWeb.Tests.Python;

/// <summary>
/// Python jobs with requirements, run as real attempts: the environment is built offline from a wheel directory
/// (<see cref="TinyWheel"/>), once per list, and a failed build fails the attempt with pip's output in its log.
/// </summary>
public sealed class PythonEnvironmentTests : HostTest, IDisposable
{
    private const string PrintValue = "-c \"import tinypkg; print(tinypkg.VALUE)\"";

    private static readonly TimeSpan BuildLimit = TimeSpan.FromMinutes(3);

    private readonly string _wheels;

    public PythonEnvironmentTests()
        : this(TinyWheel.NewDirectory())
    {
    }

    private PythonEnvironmentTests(string wheels)
        : base(new EtlWebFactory { Settings = { ["EtlWeb:Python:WheelDirectory"] = wheels } }) => _wheels = wheels;

    public void Dispose() => Directory.Delete(_wheels, recursive: true);

    private Task<JobDocument> CreatePythonJobAsync(string name, string command, params string[] requirements) =>
        Client.CreateShellJobAsync(name, command, j =>
        {
            j["job_type"] = "python";
            j["requirements"] = new JsonArray([.. requirements.Select(r => (JsonNode)r)]);
        });

    [Fact]
    public async Task A_job_runs_with_its_requirement_installed_from_the_wheel_directory()
    {
        var job = await CreatePythonJobAsync("uses-tinypkg", PrintValue, "tinypkg==1.0");
        Assert.Equal("missing", (await EnvironmentAsync(job))["state"]!.GetValue<string>());

        var runId = await Client.RunJobAsync(job);
        var run = await Client.WaitForEndAsync(runId, BuildLimit);

        var log = await Client.LogAsync(runId);
        Assert.True(run.Status == "Succeeded", log);
        Assert.Contains("\n42", log, StringComparison.Ordinal);
        Assert.Contains("Built the Python environment for 1 requirement in ", log, StringComparison.Ordinal);
        var environment = await EnvironmentAsync(job);
        Assert.Equal("ready", environment["state"]!.GetValue<string>());
        Assert.Contains($"Using the Python environment {environment["key"]!.GetValue<string>()}", log, StringComparison.Ordinal);
        Assert.Contains("Successfully installed tinypkg-1.0", environment["log"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Jobs_listing_the_same_requirements_share_one_environment_built_once_even_when_they_start_together()
    {
        var first = await CreatePythonJobAsync("first", PrintValue, "tinypkg==1.0");
        var second = await CreatePythonJobAsync("second", "-c \"import sys, tinypkg; print(sys.prefix)\"", " tinypkg==1.0 ");

        var runs = await Task.WhenAll(Client.RunJobAsync(first), Client.RunJobAsync(second));
        foreach (var runId in runs)
        {
            Assert.Equal("Succeeded", (await Client.WaitForEndAsync(runId, BuildLimit)).Status);
        }

        var logs = await Task.WhenAll(runs.Select(r => Client.LogAsync(r)));
        var key = (await EnvironmentAsync(first))["key"]!.GetValue<string>();
        Assert.Equal(key, (await EnvironmentAsync(second))["key"]!.GetValue<string>());
        Assert.Single(logs, l => l.Contains("Built the Python environment", StringComparison.Ordinal));
        Assert.All(logs, l => Assert.Contains($"Using the Python environment {key}", l, StringComparison.Ordinal));
        Assert.Contains(Path.Combine(Factory.DataDirectory, "venvs", key), logs[1], StringComparison.Ordinal);
        Assert.Single(Directory.GetDirectories(Path.Combine(Factory.DataDirectory, "venvs")));
    }

    [Fact]
    public async Task A_failed_build_fails_the_attempt_with_pips_output_in_its_log()
    {
        var job = await CreatePythonJobAsync("missing-package", PrintValue, "nosuchpkg==9");

        var run = await Client.WaitForEndAsync(await Client.RunJobAsync(job), BuildLimit);

        Assert.Equal("Failed", run.Status);
        var attempt = Assert.Single(run.Attempts);
        Assert.StartsWith("Building the Python environment ", attempt.Message, StringComparison.Ordinal);
        Assert.Contains("failed (pip exit code 1)", attempt.Message, StringComparison.Ordinal);
        Assert.Null(attempt.ExitCode);
        Assert.Contains("No matching distribution found for nosuchpkg==9", await Client.LogAsync(run.Id), StringComparison.Ordinal);
        var environment = await EnvironmentAsync(job);
        Assert.Equal("failed", environment["state"]!.GetValue<string>());
        Assert.Contains("No matching distribution found for nosuchpkg==9", environment["log"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Factory.DataDirectory, "venvs", environment["key"]!.GetValue<string>())));
    }

    [Fact]
    public async Task A_cancel_during_the_build_stops_it_and_leaves_no_half_built_environment()
    {
        var job = await CreatePythonJobAsync("cancelled-build", PrintValue, "tinypkg==1.0");
        var runId = await Client.RunJobAsync(job);
        var deadline = TimeProvider.System.GetUtcNow() + BuildLimit;
        while ((await EnvironmentAsync(job))["state"]!.GetValue<string>() != "building")
        {
            Assert.True(TimeProvider.System.GetUtcNow() < deadline, "The build never started.");
            await Task.Delay(20);
        }

        using var cancel = await Client.PostAsync(new Uri($"/api/runs/{runId}/cancel", UriKind.Relative), null);
        var run = await Client.WaitForEndAsync(runId, BuildLimit);

        Assert.Equal("Cancelled", run.Status);
        Assert.Equal("Cancelled while its Python environment was being built", Assert.Single(run.Attempts).Message);
        var environment = await EnvironmentAsync(job);
        Assert.Equal("missing", environment["state"]!.GetValue<string>());
        Assert.EndsWith("The build was stopped.\n", environment["log"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_api_refuses_a_pip_option_naming_the_field_and_the_line_and_requirements_on_a_shell_job()
    {
        var python = JobsClient.ShellJob("bad-line");
        python["job_type"] = "python";
        python["requirements"] = new JsonArray("tinypkg==1.0", "--extra-index-url https://example.com");
        var (status, body) = await Client.SendJsonAsync(HttpMethod.Post, "/api/jobs", python.ToJsonString());

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("Line 2 of requirements: '--extra-index-url https://example.com' is a pip option", Assert.Single(JobsClient.ErrorsOf(body, "requirements")), StringComparison.Ordinal);

        var shell = JobsClient.ShellJob("shell-with-requirements");
        shell["requirements"] = new JsonArray("tinypkg");
        (status, body) = await Client.SendJsonAsync(HttpMethod.Post, "/api/jobs", shell.ToJsonString());

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("Python jobs only", Assert.Single(JobsClient.ErrorsOf(body, "requirements")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_environment_route_answers_404_for_a_job_without_requirements_and_for_no_job()
    {
        var shell = await Client.CreateShellJobAsync("plain", "echo hi");

        using var none = await Client.GetAsync(new Uri($"/api/jobs/{shell.Id}/environment", UriKind.Relative));
        using var missing = await Client.GetAsync(new Uri("/api/jobs/999999/environment", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        Assert.Contains("not a Python job with requirements", await none.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    private async Task<JsonNode> EnvironmentAsync(JobDocument job) =>
        (await Client.GetJsonAsync($"/api/jobs/{job.Id}/environment"))!;
}
