using System.Diagnostics;

namespace EtlWeb.Tests.Configuration;

/// <summary>EtlWeb.dll run to its exit, as a user runs it from a shell: its exit code and both output streams.</summary>
internal sealed record EtlWebCommand(int ExitCode, string Output, string Error)
{
    public static async Task<EtlWebCommand> RunAsync(IEnumerable<string> args, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "EtlWeb.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail($"EtlWeb kept running with {string.Join(' ', start.ArgumentList)}; it was expected to exit.\n{await output}\n{await error}");
        }

        return new EtlWebCommand(process.ExitCode, await output, await error);
    }
}
