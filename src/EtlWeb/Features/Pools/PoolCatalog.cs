using System.Text.Json.Serialization;
using EtlWeb.Core.Jobs;
using EtlWeb.Data;
using EtlWeb.Orchestration;
using EtlWeb.Security;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Features.Pools;

/// <summary>A pool as the API and the Settings page show it: its slots, the slots its running attempts hold, its jobs.</summary>
public sealed record PoolView(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("slots")] int Slots,
    [property: JsonPropertyName("used")] int Used,
    [property: JsonPropertyName("jobs")] IReadOnlyList<string> Jobs);

/// <summary>What a change of a pool came to: done, or refused with the reason by field, or no such pool.</summary>
public enum PoolChange
{
    Done,
    Invalid,
    Missing,
}

/// <summary>The pools as they are now, for the pages and the API to list.</summary>
public sealed class PoolDirectory(IDbContextFactory<EtlDbContext> dbFactory)
{
    public async Task<IReadOnlyList<PoolView>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var use = await PoolQueries.UseAsync(db, null, cancellationToken);
        var jobs = (await db.Jobs.AsNoTracking().Where(j => j.Pool != "").Select(j => new { j.Pool, j.Name }).ToListAsync(cancellationToken))
            .ToLookup(j => j.Pool, j => j.Name, StringComparer.Ordinal);
        return [.. use.Values.OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => new PoolView(p.Name, p.Slots, p.Used, [.. jobs[p.Name].Order(StringComparer.Ordinal)]))];
    }
}

/// <summary>Creates, changes and removes the pools (Admins; audited). More slots wake the attempts waiting for them.</summary>
public sealed class PoolCatalog(IDbContextFactory<EtlDbContext> dbFactory, ClaimArbiter arbiter, AuditLog audit, TimeProvider time)
{
    /// <summary>Creates a pool; the errors by field when its name or slots are wrong or the name is taken.</summary>
    public async Task<(PoolChange Result, ValidationErrors Errors)> CreateAsync(string? name, int slots, CancellationToken cancellationToken)
    {
        var errors = Check(name, slots);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Pools.AnyAsync(p => p.Name == name, cancellationToken))
        {
            errors.Add("name", $"A pool named '{name}' exists already.");
        }

        if (!errors.IsEmpty)
        {
            return (PoolChange.Invalid, errors);
        }

        db.Pools.Add(new Pool { Name = name!, Slots = slots, UpdatedAt = time.GetUtcNow() });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            errors.Add("name", $"A pool named '{name}' exists already.");
            return (PoolChange.Invalid, errors);
        }

        await audit.RecordAsync(AuditActions.PoolCreated, name!, $"{slots} slots", cancellationToken);
        return (PoolChange.Done, errors);
    }

    /// <summary>Changes a pool's slots (a pool keeps its name); refused below what one of its jobs takes.</summary>
    public async Task<(PoolChange Result, ValidationErrors Errors)> UpdateAsync(string name, string? newName, int slots, CancellationToken cancellationToken)
    {
        var errors = Check(newName ?? name, slots);
        if (newName is not null && newName != name)
        {
            errors.Add("name", $"A pool keeps its name ('{name}'): create a pool of the new name and move the jobs to it.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Pools.FirstOrDefaultAsync(p => p.Name == name, cancellationToken) is not { } pool)
        {
            return (PoolChange.Missing, errors);
        }

        var tooBig = await db.Jobs.Where(j => j.Pool == name && j.PoolSlots > slots).Select(j => j.Name).OrderBy(n => n).ToListAsync(cancellationToken);
        if (tooBig.Count > 0)
        {
            errors.Add("slots", $"Jobs of the pool take more than {slots} slots and could never start: {string.Join(", ", tooBig)}.");
        }

        if (!errors.IsEmpty)
        {
            return (PoolChange.Invalid, errors);
        }

        var before = pool.Slots;
        (pool.Slots, pool.UpdatedAt) = (slots, time.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(AuditActions.PoolChanged, name, $"slots: {before} -> {slots}", cancellationToken);
        if (slots > before)
        {
            await arbiter.WakeAsync(db, name, cancellationToken);
        }

        return (PoolChange.Done, errors);
    }

    /// <summary>Removes a pool no job belongs to; refused, naming the jobs, otherwise.</summary>
    public async Task<(PoolChange Result, ValidationErrors Errors)> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Pools.FirstOrDefaultAsync(p => p.Name == name, cancellationToken) is not { } pool)
        {
            return (PoolChange.Missing, errors);
        }

        var jobs = await db.Jobs.Where(j => j.Pool == name).Select(j => j.Name).OrderBy(n => n).ToListAsync(cancellationToken);
        if (jobs.Count > 0)
        {
            errors.Add("name", $"Pool '{name}' still has jobs: {string.Join(", ", jobs)}. Move them to another pool or none first.");
            return (PoolChange.Invalid, errors);
        }

        db.Pools.Remove(pool);
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(AuditActions.PoolDeleted, name, "", cancellationToken);
        return (PoolChange.Done, errors);
    }

    private static ValidationErrors Check(string? name, int slots)
    {
        var errors = new ValidationErrors();
        if (string.IsNullOrEmpty(name) || !ResourceRules.IsPoolName(name))
        {
            errors.Add("name", $"'{name}' is not a pool name: use 1 to 64 letters, digits, '.', '_' or '-'.");
        }

        if (slots is < 1 or > ResourceRules.MaxPoolSlots)
        {
            errors.Add("slots", $"A pool has between 1 and {ResourceRules.MaxPoolSlots} slots.");
        }

        return errors;
    }
}
