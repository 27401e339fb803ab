using System.Diagnostics;
using System.Globalization;
using EtlWeb.Testing;

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

    public static async Task<AppProcess> StartAsync(string dataDirectory, Uri address, IDictionary<string, string>? settings = null)
    {
        var process = EtlWebChild.Start(dataDirectory, address, settings, (_, _) => { });
        var app = new AppProcess(process, address);
        try
        {
            await EtlWebChild.WaitHealthyAsync(process, address, TimeSpan.FromSeconds(60));
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return app;
    }

    public HttpClient CreateClient() => EtlWebChild.CreateClient(Address);

    /// <summary>SIGKILL: no shutdown code runs, as in a crash.</summary>
    public async Task KillHardAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as a service manager or <c>docker stop</c> sends, and waits until EtlWeb has exited.</summary>
    public async Task StopGracefullyAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await _process.WaitForExitAsync(deadline.Token);
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
}
