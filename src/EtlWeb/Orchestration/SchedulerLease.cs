using EtlWeb.Configuration;
using EtlWeb.Realtime;
using EtlWeb.Security;
using Microsoft.Extensions.Options;
using Npgsql;

namespace EtlWeb.Orchestration;

/// <summary>
/// Which web node runs the scheduler (and the work that must happen once: timed alerts, notifications, taking over a
/// lost node's attempts, retention). On SQLite there is one node and it always holds the lease. On PostgreSQL the
/// holder is the web node whose own connection holds a session advisory lock: PostgreSQL grants it to one session
/// only and frees it when that session ends, even if the node is killed. A web node without it tries again every
/// second; the holder checks every second that its connection is alive, and lets go when it is not. Worker nodes
/// never hold it. See docs/adr/0010-scale-out.md.
/// </summary>
public sealed class SchedulerLease : BackgroundService
{
    /// <summary>EtlWeb's key in the database's advisory lock space (the job catalogue's lock uses the one before it).</summary>
    private const long LockKey = 5043768772;

    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    private readonly DatabaseOptions _database;
    private readonly NodeOptions _node;
    private readonly ILogger<SchedulerLease> _logger;
    private readonly Subscribers<bool> _changed = new();
    private NpgsqlConnection? _connection;

    public SchedulerLease(IOptions<DatabaseOptions> database, IOptions<NodeOptions> node, ILogger<SchedulerLease> logger)
    {
        _database = database.Value;
        _node = node.Value;
        _logger = logger;
        Held = !_database.IsPostgreSql && !_node.IsWorker;
    }

    /// <summary>Whether this node schedules now.</summary>
    public bool Held { get; private set; }

    /// <summary>Hears the lease being gained (true) or lost (false).</summary>
    public IDisposable Subscribe(Action<bool> onChanged) => _changed.Add(onChanged);

    private bool Contends => _database.IsPostgreSql && !_node.IsWorker;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // EtlWeb's engine at work: it acts as itself, explicitly, and whatever it starts from here keeps that.
        using var system = CurrentActor.AsSystem();
        // Tried once before the services registered after it start, so a single web node schedules from its first second.
        if (Contends)
        {
            await CheckAsync(cancellationToken);
        }

        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await ReleaseAsync("this node is stopping", LogLevel.Information);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // EtlWeb's engine at work: it acts as itself, explicitly, and whatever it starts from here keeps that.
        using var system = CurrentActor.AsSystem();
        if (!Contends)
        {
            return;
        }

        try
        {
            while (true)
            {
                await Task.Delay(Period, stoppingToken);
                await CheckAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync lets go of the lease.
        }
    }

    private async Task CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (Held)
            {
                await using var alive = new NpgsqlCommand("SELECT 1", _connection);
                await alive.ExecuteScalarAsync(cancellationToken);
                return;
            }

            if (_connection is null)
            {
                // Outside the pool: the lock belongs to this session, which must not be handed to other code.
                var builder = new NpgsqlConnectionStringBuilder(_database.ConnectionString) { Pooling = false, KeepAlive = 10 };
                _connection = new NpgsqlConnection(builder.ConnectionString);
                await _connection.OpenAsync(cancellationToken);
            }

            await using var take = new NpgsqlCommand($"SELECT pg_try_advisory_lock({LockKey})", _connection);
            if (await take.ExecuteScalarAsync(cancellationToken) is true)
            {
                Held = true;
                _logger.LogInformation("{Node} holds the scheduler lease: it schedules jobs and takes over lost nodes", _node.EffectiveName);
                _changed.Publish(true);
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
        {
            _logger.LogWarning(ex, "The scheduler lease could not be checked");
            await ReleaseAsync("its database session failed", LogLevel.Warning);
        }
    }

    private async Task ReleaseAsync(string why, LogLevel level)
    {
        var wasHeld = Held && Contends;
        if (wasHeld)
        {
            Held = false;
            _logger.Log(level, "{Node} gives up the scheduler lease: {Why}", _node.EffectiveName, why);
            _changed.Publish(false);
        }

        if (_connection is not null)
        {
            // Closing the session frees the lock for the other web nodes at once.
            await _connection.DisposeAsync();
            _connection = null;
        }
    }
}
