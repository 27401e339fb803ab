using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace EtlWeb.Testing;

/// <summary>
/// EtlWeb as a child process: the EtlWeb.dll beside the caller's build output, on a free loopback port, with its
/// own data directory. Shared (as a linked source file) by the crash tests, the browser tests and the benchmark.
/// </summary>
internal static class EtlWebChild
{
    /// <summary>The bootstrap API token every child starts with (an Admin), unless the settings give another.</summary>
    public const string BootstrapToken = "etlweb-tests-bootstrap-token-0123456789abcdef";

    /// <summary>A client for the child's API, signed in with <see cref="BootstrapToken"/>.</summary>
    public static HttpClient CreateClient(Uri address, TimeSpan? timeout = null)
    {
        var client = new HttpClient { BaseAddress = address, Timeout = timeout ?? TimeSpan.FromSeconds(100) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", BootstrapToken);
        return client;
    }

    /// <summary>An address on a loopback port that is free now.</summary>
    public static Uri FreeAddress()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");
    }

    /// <summary>
    /// Starts EtlWeb with stdin closed; every line it writes goes to <paramref name="onLine"/> (true: from stderr).
    /// <paramref name="appDirectory"/> holds the EtlWeb.dll to start (default: the caller's build output).
    /// <paramref name="launcher"/>, when given, is the program (and its first arguments) that starts "dotnet EtlWeb.dll",
    /// as the image's init does.
    /// </summary>
    public static Process Start(
        string dataDirectory, Uri address, IEnumerable<KeyValuePair<string, string>>? settings, Action<string, bool> onLine,
        string? appDirectory = null, IReadOnlyList<string>? launcher = null)
    {
        appDirectory ??= AppContext.BaseDirectory;
        string[] command = [.. launcher ?? [], "dotnet", Path.Combine(appDirectory, "EtlWeb.dll")];
        var start = new ProcessStartInfo(command[0])
        {
            WorkingDirectory = appDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in command[1..])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["EtlWeb__DataDirectory"] = dataDirectory;
        start.Environment["Urls"] = address.ToString().TrimEnd('/');
        start.Environment["EtlWeb__Auth__BootstrapToken"] = BootstrapToken;

        // Callers create Admins and keep calling as the bootstrap token; the default (it stops) has tests of its own.
        start.Environment["EtlWeb__Auth__KeepBootstrapToken"] = "true";
        foreach (var (key, value) in settings ?? [])
        {
            start.Environment[key] = value;
        }

        EtlWeb.Core.Execution.PrivateDirectory.Ensure(dataDirectory);
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        process.StandardInput.Close();
        process.OutputDataReceived += (_, e) => Forward(e.Data, false);
        process.ErrorDataReceived += (_, e) => Forward(e.Data, true);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;

        void Forward(string? line, bool fromStderr)
        {
            if (line is not null)
            {
                onLine(line, fromStderr);
            }
        }
    }

    /// <summary>
    /// Waits until <c>/health</c> reports Healthy: it answers 200 while Degraded too, before the Hangfire server
    /// has registered, and a test or scenario that starts then would see its first run wait for a worker.
    /// </summary>
    public static async Task WaitHealthyAsync(Process process, Uri address, TimeSpan timeout)
    {
        using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"EtlWeb exited with code {process.ExitCode} while starting.");
            }

            try
            {
                using var response = await client.GetAsync(new Uri("/health", UriKind.Relative));
                if (response.IsSuccessStatusCode && await IsHealthyAsync(response))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"EtlWeb did not become healthy within {timeout.TotalSeconds} s.");
    }

    private static async Task<bool> IsHealthyAsync(HttpResponseMessage response)
    {
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.TryGetProperty("status", out var status) && status.GetString() == "Healthy";
    }
}
