using EtlWeb.Bench.Infrastructure;
using EtlWeb.Testing;

namespace EtlWeb.Bench.Chaos;

/// <summary>
/// One EtlWeb process that the faults kill and that comes back as an init would start it again: on the same data
/// directory and address. It keeps when each start was spawned, how long it took to be healthy, how often it was
/// found exited on its own, and the warnings and errors of every start.
/// </summary>
public sealed class ChaosNode : IAsyncDisposable
{
    private const int StartTries = 30;

    private readonly string _directory;
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly string? _consoleLog;
    private readonly List<DateTimeOffset> _spawned = [];
    private readonly List<double> _healthyMilliseconds = [];
    private AppUnderTest? _app;
    private int _warnings;
    private int _errors;

    private ChaosNode(string directory, IReadOnlyDictionary<string, string> settings, string? consoleLog)
    {
        _directory = directory;
        _settings = settings;
        _consoleLog = consoleLog;
    }

    public Uri Address { get; } = EtlWebChild.FreeAddress();

    /// <summary>When each start after a fault was spawned (the first start is not counted).</summary>
    public IReadOnlyList<DateTimeOffset> Restarts => _spawned.Skip(1).ToList();

    /// <summary>From spawning the process to /health reporting Healthy, for each restart.</summary>
    public IReadOnlyList<double> RestartToHealthyMilliseconds => _healthyMilliseconds.Skip(1).ToList();

    /// <summary>Times the process was found gone without being killed.</summary>
    public int Exits { get; private set; }

    public int Warnings => _warnings + (_app?.Warnings ?? 0);

    public int Errors => _errors + (_app?.Errors ?? 0);

    /// <summary>Starts the first process; <paramref name="consoleLog"/> keeps its console off a data directory that may fill up.</summary>
    public static async Task<ChaosNode> StartAsync(string directory, IReadOnlyDictionary<string, string> settings, string? consoleLog = null)
    {
        var node = new ChaosNode(directory, settings, consoleLog);
        await node.SpawnAsync();
        return node;
    }

    /// <summary>SIGKILL, then a start on the same directory and address.</summary>
    public async Task KillAndRestartAsync()
    {
        await StopAsync(kill: true);
        await SpawnAsync();
    }

    /// <summary>Starts the process again if it ended on its own.</summary>
    public async Task RestartIfExitedAsync()
    {
        if (_app is { HasExited: true })
        {
            Exits++;
            await StopAsync(kill: false);
            await SpawnAsync();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync(kill: false);

    /// <summary>Starts the process; one that exits while starting is started again a second later, as the image's init does.</summary>
    private async Task SpawnAsync()
    {
        var spawned = TimeProvider.System.GetUtcNow();
        for (var tries = 1; _app is null; tries++)
        {
            try
            {
                _app = await AppUnderTest.StartAsync(_directory, _settings, Address, _consoleLog);
            }
            catch (InvalidOperationException ex) when (tries < StartTries)
            {
                Exits++;
                await Console.Error.WriteLineAsync($"chaos: {ex.Message} Starting again.");
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }

        _spawned.Add(spawned);
        _healthyMilliseconds.Add((TimeProvider.System.GetUtcNow() - spawned).TotalMilliseconds);
    }

    private async Task StopAsync(bool kill)
    {
        if (_app is null)
        {
            return;
        }

        _warnings += _app.Warnings;
        _errors += _app.Errors;
        if (kill)
        {
            await _app.KillAsync();
        }
        else
        {
            await _app.DisposeAsync();
        }

        _app = null;
    }
}
