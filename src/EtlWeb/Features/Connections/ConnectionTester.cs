using System.Diagnostics;
using System.Text.Json.Serialization;
using EtlWeb.Configuration;
using EtlWeb.Core.Connections;
using EtlWeb.Core.Execution;
using EtlWeb.Core.Jobs;
using EtlWeb.Data;
using EtlWeb.Orchestration;
using Microsoft.Extensions.Options;

namespace EtlWeb.Features.Connections;

/// <summary>What testing a connection found: whether its client ran a trivial query, and what it printed (masked).</summary>
public sealed record ConnectionTest(
    [property: JsonPropertyName("succeeded")] bool Succeeded,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("output")] string Output);

/// <summary>
/// Checks a saved connection the way its jobs use it: the same client, started the same way (the connection in its
/// environment or option file), running <c>SELECT 1</c>, stopped after <see cref="Limit"/>.
/// </summary>
public sealed class ConnectionTester(ConnectionVault vault, JobBaseEnvironment baseEnvironment, IOptions<EtlWebOptions> etl)
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    /// <summary>The test's outcome; null when there is no such connection.</summary>
    public async Task<ConnectionTest?> TestAsync(string name, CancellationToken cancellationToken = default)
    {
        SqlTarget? target;
        try
        {
            target = await vault.OpenAsync(name, cancellationToken);
        }
        catch (InvalidOperationException ex)
        {
            return new ConnectionTest(false, ex.Message, "");
        }

        if (target is null)
        {
            return null;
        }

        var directory = Path.Combine(etl.Value.FullDataDirectory, "tmp", $"connection-test-{Guid.NewGuid():N}");
        try
        {
            var probe = new Job { Name = $"test of {name}", Kind = JobKind.Sql, Connection = name, Script = "SELECT 1;\n" };
            var plan = LaunchPlanner.Plan(probe, $"connection-test-{Guid.NewGuid():N}", directory, baseEnvironment.Variables, target);
            if (plan.Spec is not { } spec)
            {
                return new ConnectionTest(false, plan.Error ?? "The client could not be prepared.", "");
            }

            return await RunAsync(spec, ConnectionRules.ClientOf(target.Kind), cancellationToken);
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private static async Task<ConnectionTest> RunAsync(ProcessSpec spec, string client, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(spec.FileName, spec.Arguments)
        {
            WorkingDirectory = spec.WorkingDirectory ?? Environment.CurrentDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment.Clear();
        foreach (var (key, value) in spec.Environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(Limit);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return new ConnectionTest(false, $"{client} did not answer within {Limit.TotalSeconds:0} s.", "");
        }

        var text = spec.Secrets.Mask(((await output) + (await error)).Trim());
        return process.ExitCode == 0
            ? new ConnectionTest(true, $"{client} connected and ran SELECT 1.", text)
            : new ConnectionTest(false, $"{client} exited with code {process.ExitCode}.", text);
    }
}
