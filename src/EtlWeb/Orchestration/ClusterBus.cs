using System.Text.Json;
using System.Threading.Channels;
using EtlWeb.Configuration;
using EtlWeb.Core.Runs;
using EtlWeb.Realtime;
using EtlWeb.Security;
using EtlWeb.Settings;
using Microsoft.Extensions.Options;
using Npgsql;

namespace EtlWeb.Orchestration;

/// <summary>
/// Carries what one node's pages and engine must hear from the others over PostgreSQL's LISTEN/NOTIFY: run status
/// changes, "lines m..n of attempt a are stored" (the log itself goes through the database, in the batches the log
/// pipeline writes anyway), job edits (the scheduler's holder re-plans) and settings saves on one channel, which only web nodes
/// listen to; cancel requests (the node running the process stops it) on another, which every node hears. On SQLite
/// there is one node and the bus stays idle. A notification lost while the listening connection reconnects is not
/// replayed; pages read the database again when they next load.
/// </summary>
public sealed class ClusterBus : BackgroundService
{
    /// <summary>The NOTIFY channel of run, log and job events, in the app's database: web nodes listen.</summary>
    public const string EventChannel = "etlweb";

    /// <summary>The NOTIFY channel of cancel requests: every node listens.</summary>
    public const string ControlChannel = "etlweb_control";

    private static readonly TimeSpan Reconnect = TimeSpan.FromSeconds(1);

    private readonly DatabaseOptions _database;
    private readonly string _node;
    private readonly bool _worker;
    private readonly RunBroadcaster _broadcaster;
    private readonly JobChangeFeed _jobs;
    private readonly RunningAttempts _running;
    private readonly StoredLog _log;
    private readonly SettingsStore _settings;
    private readonly ILogger<ClusterBus> _logger;
    private readonly Channel<BusMessage> _outbox = Channel.CreateUnbounded<BusMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<BusMessage> _inbox = Channel.CreateUnbounded<BusMessage>(new UnboundedChannelOptions { SingleReader = true });

    public ClusterBus(
        IOptions<DatabaseOptions> database,
        IOptions<NodeOptions> node,
        RunBroadcaster broadcaster,
        JobChangeFeed jobs,
        RunningAttempts running,
        StoredLog log,
        SettingsStore settings,
        ILogger<ClusterBus> logger)
    {
        _database = database.Value;
        _node = node.Value.EffectiveName;
        _worker = node.Value.IsWorker;
        _broadcaster = broadcaster;
        _jobs = jobs;
        _running = running;
        _log = log;
        _settings = settings;
        _logger = logger;
    }

    /// <summary>Whether other nodes can exist (the stores are on PostgreSQL).</summary>
    public bool IsActive => _database.IsPostgreSql;

    /// <summary>Lines [<paramref name="first"/>, <paramref name="end"/>) of an attempt's log were committed on this node.</summary>
    public void LogStored(long attemptId, long first, long end)
    {
        if (IsActive)
        {
            _outbox.Writer.TryWrite(new BusMessage(_node, BusKind.Log, attemptId, First: first, End: end));
        }
    }

    /// <summary>Asks whichever node runs <paramref name="runId"/>'s process to stop it.</summary>
    public void SendCancel(long runId)
    {
        if (IsActive)
        {
            _outbox.Writer.TryWrite(new BusMessage(_node, BusKind.Cancel, runId));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // EtlWeb's engine at work: it acts as itself, explicitly, and whatever it starts from here keeps that.
        using var system = CurrentActor.AsSystem();
        if (!IsActive)
        {
            return;
        }

        using var runs = _broadcaster.SubscribeLocalRuns(c => _outbox.Writer.TryWrite(
            new BusMessage(_node, BusKind.Run, c.RunId, c.JobId, c.Status, c.AttemptId, c.AttemptNumber, Backfill: c.BackfillId)));
        using var jobs = _jobs.SubscribeLocal(id => _outbox.Writer.TryWrite(new BusMessage(_node, BusKind.Job, id, id)));
        using var settings = _settings.SubscribeLocalSaves(_ => _outbox.Writer.TryWrite(new BusMessage(_node, BusKind.Settings, 0)));
        await using var dataSource = NpgsqlDataSource.Create(_database.ConnectionString);
        await Task.WhenAll(SendAsync(dataSource, stoppingToken), ListenAsync(stoppingToken), HandleAsync(stoppingToken));
    }

    private async Task SendAsync(NpgsqlDataSource dataSource, CancellationToken stoppingToken)
    {
        var batch = new List<BusMessage>();
        try
        {
            while (await _outbox.Reader.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < 200 && _outbox.Reader.TryRead(out var message))
                {
                    batch.Add(message);
                }

                try
                {
                    await using var command = dataSource.CreateBatch();
                    foreach (var message in batch)
                    {
                        var notify = new NpgsqlBatchCommand("SELECT pg_notify(@channel, @payload)");
                        notify.Parameters.AddWithValue("channel", message.Kind == BusKind.Cancel ? ControlChannel : EventChannel);
                        notify.Parameters.AddWithValue("payload", JsonSerializer.Serialize(message));
                        command.BatchCommands.Add(notify);
                    }

                    await command.ExecuteNonQueryAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
                {
                    _logger.LogWarning(ex, "{Count} cluster notification(s) could not be sent; other nodes miss them", batch.Count);
                    await Task.Delay(Reconnect, stoppingToken);
                }

                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Its own connection outside the pool: a listening session must stay with this loop.
                var builder = new NpgsqlConnectionStringBuilder(_database.ConnectionString) { Pooling = false, KeepAlive = 10 };
                await using var connection = new NpgsqlConnection(builder.ConnectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, e) => Receive(e.Payload);
                await using (var listen = new NpgsqlCommand(_worker ? $"LISTEN {ControlChannel}" : $"LISTEN {EventChannel}; LISTEN {ControlChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException)
            {
                _logger.LogWarning(ex, "The cluster bus lost its listening connection; reconnecting in {Delay}", Reconnect);
            }

            try
            {
                await Task.Delay(Reconnect, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Receive(string payload)
    {
        try
        {
            if (JsonSerializer.Deserialize<BusMessage>(payload) is { } message && message.Node != _node)
            {
                _inbox.Writer.TryWrite(message);
            }
        }
        catch (JsonException ex)
        {
            _logger.LogWarning(ex, "A cluster notification could not be read: {Payload}", payload);
        }
    }

    private async Task HandleAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var message in _inbox.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await HandleAsync(message, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    _logger.LogError(ex, "A cluster notification from {Node} could not be handled", message.Node);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task HandleAsync(BusMessage message, CancellationToken cancellationToken)
    {
        switch (message.Kind)
        {
            case BusKind.Run:
                _broadcaster.PublishFromPeer(new RunChanged(message.Id, message.JobId, message.Status, message.AttemptId, message.Number, message.Backfill));
                break;
            case BusKind.Job:
                _jobs.PublishFromPeer(message.JobId);
                break;
            case BusKind.Cancel:
                _running.RequestCancel(message.Id);
                break;
            case BusKind.Settings:
                await _settings.ReloadAsync(cancellationToken);
                break;
            case BusKind.Log when _broadcaster.HasLogSubscribers(message.Id):
                var lines = new List<LogLine>();
                await foreach (var line in _log.ReadAsync(message.Id, message.First, cancellationToken))
                {
                    if (line.Number >= message.End)
                    {
                        break;
                    }

                    lines.Add(line);
                }

                if (lines.Count > 0)
                {
                    _broadcaster.PublishLog(message.Id, lines);
                }

                break;
        }
    }
}

/// <summary>What a cluster notification is about.</summary>
public enum BusKind
{
    Run,
    Log,
    Job,
    Cancel,
    Settings,
}

/// <summary>One cluster notification; <see cref="Id"/> is the run (Run, Cancel), the attempt (Log) or the job (Job); unused for Settings.</summary>
public sealed record BusMessage(
    string Node, BusKind Kind, long Id, int JobId = 0, RunStatus Status = RunStatus.Queued, long? AttemptId = null, int Number = 0, long First = 0, long End = 0, long? Backfill = null);
