using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using EtlWeb.Core.Jobs;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace EtlWeb.Data;

/// <summary>
/// Keeps secret variable values encrypted at rest. A job's <see cref="Job.Environment"/> holds every value in
/// memory; in the database its clear variables go to the <c>Environment</c> column and its secret ones, as one
/// Data Protection payload, to <c>SecretValues</c>. Both are shadow properties (the clear one named ClearEnvironment) that this interceptor fills
/// on save and reads back on load, so no other code handles ciphertext. The protector comes from the services of
/// the host that made the context, since a value converter is built once per process with the cached model, and
/// one shared instance, as a materialization interceptor is part of EF's internal service provider key.
/// </summary>
internal sealed class JobSecretsInterceptor : SaveChangesInterceptor, IMaterializationInterceptor
{
    public const string EnvironmentColumn = "ClearEnvironment";
    public const string SecretsColumn = "SecretValues";

    public static JobSecretsInterceptor Instance { get; } = new();

    private readonly ConditionalWeakTable<IServiceProvider, IDataProtector> _protectors = [];

    // The secret values each loaded job had in the database, so an unchanged job is not re-encrypted (and rewritten) on every save.
    private readonly ConditionalWeakTable<Job, string> _loaded = [];

    public object InitializedInstance(MaterializationInterceptionData materializationData, object entity)
    {
        if (entity is Job job)
        {
            job.Environment = Read(materializationData.GetPropertyValue<string?>(EnvironmentColumn));
            if (materializationData.GetPropertyValue<string?>(SecretsColumn) is { Length: > 0 } sealedValues
                && Open(materializationData.Context, sealedValues) is { } secrets)
            {
                foreach (var (name, value) in Read(secrets))
                {
                    job.Environment[name] = value;
                }

                _loaded.AddOrUpdate(job, secrets);
            }
        }

        return entity;
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Seal(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Seal(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private void Seal(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        foreach (var entry in TrackedJobs(context.ChangeTracker))
        {
            if (entry.State is EntityState.Deleted or EntityState.Detached)
            {
                continue;
            }

            var job = entry.Entity;
            var secretNames = job.SecretEnvironment.ToHashSet(StringComparer.Ordinal);
            var plain = Write(job.Environment.Where(e => !secretNames.Contains(e.Key)));
            var environment = entry.Property<string>(EnvironmentColumn);
            if (environment.CurrentValue != plain)
            {
                environment.CurrentValue = plain;
            }

            var secrets = job.Environment.Where(e => secretNames.Contains(e.Key)).ToList();
            var clear = secrets.Count == 0 ? null : Write(secrets);
            var stored = entry.Property<string?>(SecretsColumn);
            var unchanged = clear is null ? stored.CurrentValue is null : _loaded.TryGetValue(job, out var loaded) && loaded == clear && stored.CurrentValue is not null;
            if (!unchanged)
            {
                stored.CurrentValue = clear is null ? null : Protector(context).Protect(clear);
                if (clear is not null)
                {
                    _loaded.AddOrUpdate(job, clear);
                }
            }
        }
    }

    /// <summary>
    /// The tracked jobs, without the change detection <c>Entries</c> would run: SaveChanges runs it anyway, and every
    /// tracked job is sealed whatever its state.
    /// </summary>
    private static List<EntityEntry<Job>> TrackedJobs(ChangeTracker tracker)
    {
        var detect = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false;
        try
        {
            return [.. tracker.Entries<Job>()];
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = detect;
        }
    }

    /// <summary>
    /// The secret values, or null when the key that encrypted them is gone (a data directory restored without its
    /// <c>keys/</c>): the job still loads, its secret variables without values, rather than every job list failing.
    /// </summary>
    private string? Open(DbContext context, string sealedValues)
    {
        try
        {
            return Protector(context).Unprotect(sealedValues);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private IDataProtector Protector(DbContext context)
    {
        var services = context.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.ApplicationServiceProvider
            ?? throw new InvalidOperationException("The app DB context was made outside the host, so it has no Data Protection keys.");
        return _protectors.GetValue(services, s => s.GetRequiredService<IDataProtectionProvider>().CreateProtector("EtlWeb.Jobs.SecretEnvironment.v1"));
    }

    private static Dictionary<string, string> Read(string? json) =>
        json is { Length: > 0 }
            ? new Dictionary<string, string>(JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [], StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);

    private static string Write(IEnumerable<KeyValuePair<string, string>> variables) =>
        JsonSerializer.Serialize(variables.OrderBy(e => e.Key, StringComparer.Ordinal).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal));
}
