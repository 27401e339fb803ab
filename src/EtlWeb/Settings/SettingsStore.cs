using System.Globalization;
using System.Text.Json;
using EtlWeb.Configuration;
using EtlWeb.Data;
using EtlWeb.Realtime;
using EtlWeb.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EtlWeb.Settings;

/// <summary>
/// The settings in force: configuration (appsettings, environment, flags) gives the defaults, values saved on
/// the Settings page (the <c>settings</c> table) win over them. Reads are served from memory; a save validates
/// every value against its options range first, writes all or nothing, then tells the subscribers. The cluster bus
/// carries a save to the other web nodes, which load the values again (<see cref="ReloadAsync"/>); a worker node
/// reads its own configuration only. See docs/adr/0003-settings-store.md and 0015-settings-scope.md for which setting
/// applies when and where.
/// </summary>
public sealed class SettingsStore(
    IDbContextFactory<EtlDbContext> dbFactory,
    TimeProvider time,
    IOptions<ExecutionOptions> execution,
    IOptions<RetentionOptions> retention,
    IOptions<SchedulerOptions> scheduler,
    IOptions<NodeOptions> node,
    CurrentActor actors,
    AuditLog audit,
    ILogger<SettingsStore> logger) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _saveGate = new(1, 1);
    private readonly Subscribers<EffectiveSettings> _subscribers = new();
    private readonly Subscribers<EffectiveSettings> _localSaves = new();
    private Snapshot? _snapshot;

    /// <summary>The configured values, before anything saved on the Settings page.</summary>
    public EffectiveSettings Defaults { get; } = new(execution.Value, retention.Value, scheduler.Value);

    /// <summary>The values in force now.</summary>
    public EffectiveSettings Current => Loaded().Current;

    /// <summary>The values saved on the Settings page, by key; a key that is absent follows the configuration.</summary>
    public IReadOnlyDictionary<string, long> Saved => Loaded().Saved;

    /// <summary>The worker count this process's Hangfire server started with; null before it started.</summary>
    public int? RunningWorkerCount { get; private set; }

    /// <summary>Whether this node is a worker, which reads its own configuration and nothing saved on the Settings page.</summary>
    public bool IsWorkerNode => node.Value.IsWorker;

    /// <summary>
    /// Read once when the Hangfire server is built: Hangfire cannot change its worker count while it runs,
    /// so a saved MaxConcurrentJobs applies at the next start of each web node. A worker node takes its own
    /// EtlWeb:MaxConcurrentJobs, sized to its machine.
    /// </summary>
    public int WorkerCountForServerStart()
    {
        RunningWorkerCount = Current.Execution.MaxConcurrentJobs;
        return RunningWorkerCount.Value;
    }

    /// <summary>Null when <paramref name="value"/> is allowed for the setting, else why not.</summary>
    public static string? Validate(SettingDefinition setting, long value)
    {
        if (setting.Accepts(value))
        {
            return null;
        }

        return setting.Max >= int.MaxValue
            ? string.Create(CultureInfo.InvariantCulture, $"Must be {setting.Min:N0} or more.")
            : string.Create(CultureInfo.InvariantCulture, $"Must be between {setting.Min:N0} and {setting.Max:N0}.");
    }

    /// <summary>
    /// Saves values by key (null: back to the configured default); keys not given are left as they are.
    /// Returns the errors by key; when there is any, nothing is saved.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> SaveAsync(IReadOnlyDictionary<string, long?> values, CancellationToken cancellationToken = default)
    {
        actors.Demand(EtlRoles.Admin, "change settings");
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in values)
        {
            if (SettingCatalog.Find(key) is not { } setting)
            {
                errors[key] = "Unknown setting.";
            }
            else if (value is { } given && Validate(setting, given) is { } error)
            {
                errors[key] = error;
            }
        }

        if (errors.Count > 0)
        {
            return errors;
        }

        Snapshot saved;
        await _saveGate.WaitAsync(cancellationToken);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var now = time.GetUtcNow();
            var keys = values.Keys.ToList();
            var rows = await db.Settings.Where(s => keys.Contains(s.Key)).ToDictionaryAsync(s => s.Key, cancellationToken);
            foreach (var (key, value) in values)
            {
                var row = rows.GetValueOrDefault(key);
                if (value is null)
                {
                    if (row is not null)
                    {
                        db.Settings.Remove(row);
                    }

                    continue;
                }

                if (row is null)
                {
                    row = new StoredSetting { Key = key };
                    db.Settings.Add(row);
                }

                row.Value = JsonSerializer.Serialize(value.Value);
                row.UpdatedAt = now;
            }

            await db.SaveChangesAsync(cancellationToken);
            saved = Build(await db.Settings.AsNoTracking().ToListAsync(cancellationToken));
            lock (_gate)
            {
                _snapshot = saved;
            }
        }
        finally
        {
            _saveGate.Release();
        }

        logger.LogInformation("Settings saved: {Keys}", string.Join(", ", values.Keys));
        await audit.RecordAsync(
            AuditActions.SettingsChanged,
            string.Join(", ", values.Keys),
            string.Join(", ", values.Select(v => $"{v.Key} = {(v.Value is { } n ? n.ToString(CultureInfo.InvariantCulture) : "default")}")),
            cancellationToken);
        _subscribers.Publish(saved.Current);
        _localSaves.Publish(saved.Current);

        return errors;
    }

    /// <summary>Loads the saved values again, after another web node saved them; subscribers are told as after a save.</summary>
    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        if (IsWorkerNode)
        {
            return;
        }

        Snapshot loaded;
        await _saveGate.WaitAsync(cancellationToken);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            loaded = Build(await db.Settings.AsNoTracking().ToListAsync(cancellationToken));
            lock (_gate)
            {
                _snapshot = loaded;
            }
        }
        finally
        {
            _saveGate.Release();
        }

        logger.LogInformation("Settings saved on another node apply here now: {Saved}", string.Join(", ", loaded.Saved.Select(s => $"{s.Key} = {s.Value.ToString(CultureInfo.InvariantCulture)}")));
        _subscribers.Publish(loaded.Current);
    }

    /// <summary>Calls <paramref name="onChanged"/> with the new values after each save or reload, on that thread.</summary>
    public IDisposable Subscribe(Action<EffectiveSettings> onChanged) => _subscribers.Add(onChanged);

    /// <summary>Calls <paramref name="onSaved"/> after a save made on this node only (the cluster bus tells the others).</summary>
    public IDisposable SubscribeLocalSaves(Action<EffectiveSettings> onSaved) => _localSaves.Add(onSaved);

    private Snapshot Loaded()
    {
        lock (_gate)
        {
            if (_snapshot is null && IsWorkerNode)
            {
                _snapshot = Build([]);
            }
            else if (_snapshot is null)
            {
                // Once per process, on the first read (the Hangfire server at start, after the migrations).
                using var db = dbFactory.CreateDbContext();
                _snapshot = Build(db.Settings.AsNoTracking().ToList());
            }

            return _snapshot;
        }
    }

    private Snapshot Build(List<StoredSetting> rows)
    {
        var saved = new Dictionary<string, long>(StringComparer.Ordinal);
        var current = Defaults;
        foreach (var setting in SettingCatalog.All)
        {
            if (rows.Find(r => r.Key == setting.Key) is not { } row)
            {
                continue;
            }

            if (Parse(row.Value) is { } value && setting.Accepts(value))
            {
                saved[setting.Key] = value;
                current = setting.Write(current, value);
            }
            else
            {
                logger.LogWarning("Saved setting {Key} = {Value} is not valid; the configured value is used", row.Key, row.Value);
            }
        }

        return new Snapshot(saved, current);
    }

    private static long? Parse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<long>(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Dispose() => _saveGate.Dispose();

    private sealed record Snapshot(IReadOnlyDictionary<string, long> Saved, EffectiveSettings Current);
}
