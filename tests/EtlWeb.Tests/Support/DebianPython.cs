using System.Diagnostics;

namespace EtlWeb.Tests.Support;

/// <summary>
/// Runs a Python program with Debian's interpreter (where apt puts modules such as prometheus_client; a python3 on
/// PATH may be another one), its input given on stdin; the test fails with Python's error when it exits non-zero.
/// </summary>
internal static class DebianPython
{
    public static async Task<string> RunAsync(string program, string input, string failure, params string[] arguments)
    {
        var start = new ProcessStartInfo("/usr/bin/python3", ["-c", program, .. arguments])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var python = Process.Start(start)!;
        var output = python.StandardOutput.ReadToEndAsync();
        var error = python.StandardError.ReadToEndAsync();
        await python.StandardInput.WriteAsync(input);
        python.StandardInput.Close();
        await python.WaitForExitAsync();
        Assert.True(python.ExitCode == 0, $"{failure}: {await error}");
        return await output;
    }
}
