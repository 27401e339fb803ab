using System.Diagnostics;
using System.Text.Json.Nodes;
using EtlWeb.Testing;

namespace EtlWeb.Bench.Infrastructure;

/// <summary>
/// EtlWeb as a real child process (the EtlWeb.dll built beside this program) on a free loopback port. Its
/// console output goes to a file in the data directory and through <see cref="OutputLine"/>; disposing stops it.
/// </summary>
public sealed class AppUnderTest : IAsyncDisposable
{
    private const int ProblemsShown = 20;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    private readonly Process _process;
    private readonly StreamWriter _console;
    private readonly Lock _consoleGate = new();
    private readonly List<string> _problems = [];
    private int _warnings;
    private int _errors;
    private bool _disposed;

    private AppUnderTest(Process process, Uri address, StreamWriter console)
    {
        _process = process;
        _console = console;
        Address = address;
    }

    /// <summary>Raised on the reader's thread for every line the app writes to stdout or stderr.</summary>
    public event Action<string>? OutputLine;

    public Uri Address { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Serilog lines at WRN level since the app became healthy.</summary>
    public int Warnings => Volatile.Read(ref _warnings);

    /// <summary>Serilog lines at ERR or FTL level since the app became healthy, plus anything written to stderr.</summary>
    public int Errors => Volatile.Read(ref _errors);

    /// <summary>
    /// Starts the app (on <paramref name="address"/>, by default a free one) and waits until it is Healthy. Its console
    /// goes to <paramref name="consoleLog"/>, by default etlweb-console.log in the data directory.
    /// </summary>
    public static async Task<AppUnderTest> StartAsync(
        string dataDirectory, IReadOnlyDictionary<string, string>? settings = null, Uri? address = null, string? consoleLog = null)
    {
        address ??= EtlWebChild.FreeAddress();
        Directory.CreateDirectory(dataDirectory);

        // A restart on the same data directory appends: the console of every start stays in one file.
        var console = new StreamWriter(consoleLog ?? Path.Combine(dataDirectory, "etlweb-console.log"), append: true);
        // The app writes nothing before it has loaded, long after the constructor below ran.
        AppUnderTest? app = null;
        var process = EtlWebChild.Start(dataDirectory, address, settings, (line, fromStderr) => app?.Record(line, fromStderr));
        app = new AppUnderTest(process, address, console);
        try
        {
            await app.WaitHealthyAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return app;
    }

    /// <summary>Waits until /health reports Healthy; the warnings and errors logged until then do not count.</summary>
    private async Task WaitHealthyAsync()
    {
        await EtlWebChild.WaitHealthyAsync(_process, Address, StartTimeout);

        // The health probes log Degraded warnings while the app starts; only what follows counts.
        ForgetStartupProblems();
    }

    /// <summary>Adds how many warnings and errors the app logged so far to a scenario's figures (names end with <paramref name="suffix"/>).</summary>
    public void ReportLogHealth(JsonObject result, string suffix = "")
    {
        result[$"app_warnings{suffix}"] = Warnings;
        result[$"app_errors{suffix}"] = Errors;
    }

    /// <summary>Kills the app with SIGKILL, as a crash or the kernel's OOM killer would, and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        _ = Native.Kill(_process.Id, Native.SigKill);
        await _process.WaitForExitAsync();
        await DisposeAsync();
    }

    /// <summary>Asks for a graceful stop (SIGTERM), then kills what is left; once only.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            _ = Native.Kill(_process.Id, Native.SigTerm);
            using var wait = new CancellationTokenSource(StopTimeout);
            try
            {
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        // Lets the asynchronous readers deliver the last lines before the file is closed.
        _process.WaitForExit();
        _process.Dispose();
        lock (_consoleGate)
        {
            _console.Dispose();
            foreach (var line in _problems)
            {
                Console.Error.WriteLine("[etlweb] " + line);
            }
        }
    }

    private void Record(string line, bool fromStderr)
    {
        var error = fromStderr || line.Contains(" ERR] ", StringComparison.Ordinal) || line.Contains(" FTL] ", StringComparison.Ordinal);
        var warning = !error && line.Contains(" WRN] ", StringComparison.Ordinal);
        if (error)
        {
            Interlocked.Increment(ref _errors);
        }
        else if (warning)
        {
            Interlocked.Increment(ref _warnings);
        }

        lock (_consoleGate)
        {
            _console.WriteLine(line);
            if ((error || warning) && _problems.Count < ProblemsShown)
            {
                _problems.Add(line);
            }
        }

        OutputLine?.Invoke(line);
    }

    private void ForgetStartupProblems()
    {
        lock (_consoleGate)
        {
            Volatile.Write(ref _warnings, 0);
            Volatile.Write(ref _errors, 0);
            _problems.Clear();
        }
    }
}
