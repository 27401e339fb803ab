using System.Diagnostics;
using EtlWeb.Testing;

namespace EtlWeb.E2E;

/// <summary>
/// <see cref="AppFixture"/>'s EtlWeb as the web node <c>web-1</c> of a cluster on a throwaway PostgreSQL, running no
/// attempts itself, with one worker node <c>worker-a</c> beside it; heartbeats every second, lost after five.
/// </summary>
public sealed class ClusterFixture : AppFixture
{
    private PostgresCluster? _postgres;
    private Dictionary<string, string> _nodeSettings = [];

    public Process? Worker { get; private set; }

    protected override async Task<IReadOnlyDictionary<string, string>> PrepareAsync()
    {
        _postgres = await PostgresCluster.StartAsync();
        _nodeSettings = new Dictionary<string, string>
        {
            ["EtlWeb__Database__Provider"] = "PostgreSql",
            ["EtlWeb__Database__ConnectionString"] = await _postgres.CreateDatabaseAsync(),
            ["EtlWeb__Node__HeartbeatSeconds"] = "1",
            ["EtlWeb__Node__LostAfterSeconds"] = "5",
        };
        return new Dictionary<string, string>(_nodeSettings) { ["EtlWeb__Node__Name"] = "web-1", ["EtlWeb__Node__RunsAttempts"] = "false" };
    }

    /// <summary>Starts the worker node once the web node has migrated the database.</summary>
    public async Task StartWorkerAsync()
    {
        var address = EtlWebChild.FreeAddress();
        Worker = EtlWebChild.Start(Path.Combine(DataDirectory, "worker-a"), address,
            new Dictionary<string, string>(_nodeSettings) { ["EtlWeb__Node__Name"] = "worker-a", ["EtlWeb__Node__Role"] = "Worker" },
            ServerLog.Keep("worker-a"));
        await WaitHealthyAsync(Worker, address);
    }

    /// <summary>SIGKILL to the worker node, as in a crash.</summary>
    public async Task KillWorkerAsync()
    {
        Worker!.Kill();
        await Worker.WaitForExitAsync();
    }

    public override async Task DisposeAsync()
    {
        if (Worker is { HasExited: false })
        {
            Worker.Kill();
            await Worker.WaitForExitAsync();
        }

        Worker?.Dispose();
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            if (_postgres is not null)
            {
                await _postgres.DisposeAsync();
            }
        }
    }
}
