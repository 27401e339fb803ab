using System.Diagnostics;
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
}
