using System.Collections.Concurrent;
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
    private readonly ConcurrentQueue<string> _output;

    private AppProcess(Process process, Uri address, ConcurrentQueue<string> output)
    {
        _process = process;
        Address = address;
        _output = output;
    }

    public Uri Address { get; }

    public int Pid => _process.Id;

    public static async Task<AppProcess> StartAsync(string dataDirectory, Uri address, IDictionary<string, string>? settings = null)
    {
        var output = new ConcurrentQueue<string>();
        var process = EtlWebChild.Start(dataDirectory, address, settings, (line, _) => output.Enqueue(line));
        var app = new AppProcess(process, address, output);
        try
        {
            await EtlWebChild.WaitHealthyAsync(process, address, TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException ex)
        {
            await app.DisposeAsync();
            throw new TimeoutException(ex.Message + " Its output:\n" + string.Join('\n', output.TakeLast(60)), ex);
        }

        return app;
    }

    public HttpClient CreateClient() => EtlWebChild.CreateClient(Address);

    /// <summary>Every line EtlWeb has written so far, both streams.</summary>
    public IReadOnlyList<string> Output => [.. _output];

    /// <summary>Waits for a line of output that <paramref name="match"/> accepts; fails with the output so far after a minute.</summary>
    public async Task<string> WaitForOutputAsync(Func<string, bool> match)
    {
        var deadline = TimeProvider.System.GetUtcNow().AddMinutes(1);
        while (TimeProvider.System.GetUtcNow() < deadline)
        {
            if (_output.FirstOrDefault(match) is { } line)
            {
                return line;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("No such line in EtlWeb's output:\n" + string.Join('\n', _output));
    }

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
