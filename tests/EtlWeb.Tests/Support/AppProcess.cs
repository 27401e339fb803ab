using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace EtlWeb.Tests.Support;

/// <summary>
/// EtlWeb as a real child process (the build output's EtlWeb.dll) on a free loopback port, for tests that
/// kill and restart it. Dispose stops it.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;

    private AppProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public int Pid => _process.Id;

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task<AppProcess> StartAsync(string dataDirectory, int port, IDictionary<string, string>? settings = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "EtlWeb.dll") },
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["EtlWeb__DataDirectory"] = dataDirectory;
        start.Environment["Urls"] = $"http://127.0.0.1:{port}";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var app = new AppProcess(process, new Uri($"http://127.0.0.1:{port}"));
        await app.WaitHealthyAsync();
        return app;
    }

    public HttpClient CreateClient() => new() { BaseAddress = Address };

    /// <summary>SIGKILL: no shutdown code runs, as in a crash.</summary>
    public async Task KillHardAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private async Task WaitHealthyAsync()
    {
        using var client = CreateClient();
        for (var i = 0; i < 600; i++)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"EtlWeb exited with code {_process.ExitCode} while starting.");
            }

            try
            {
                using var response = await client.GetAsync(new Uri("/health", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("EtlWeb did not become healthy within 60 s.");
    }
}
