using System.Text.RegularExpressions;

namespace EtlWeb.Core.Jobs;

/// <summary>The rules of a job's resource fields: its limits, stall timeout, pool and priority.</summary>
public static partial class ResourceRules
{
    /// <summary>Below this a limit would end the process before it starts (a shell alone takes a few MiB).</summary>
    public const int MinMemoryLimitMb = 8;

    public const int MaxMemoryLimitMb = 4 * 1024 * 1024;

    public const int MaxPoolSlots = 1000;

    public const int MaxPriority = 1000;

    /// <summary>A pool's name: letters, digits, '.', '_' and '-', as it appears in routes and metrics labels.</summary>
    public static bool IsPoolName(string name) => PoolName().IsMatch(name);

    public static ValidationErrors Validate(Job job)
    {
        var errors = new ValidationErrors();
        if (job.StallTimeoutSeconds < 0)
        {
            errors.Add(JobFields.StallTimeoutSeconds, "Stall timeout must be 0 (off) or more seconds without output.");
        }

        if (job.MemoryLimitMb != 0 && job.MemoryLimitMb is < MinMemoryLimitMb or > MaxMemoryLimitMb)
        {
            errors.Add(JobFields.MemoryLimitMb, $"Memory limit must be 0 (none) or between {MinMemoryLimitMb} and {MaxMemoryLimitMb} MiB.");
        }

        if (job.CpuLimitSeconds < 0)
        {
            errors.Add(JobFields.CpuLimitSeconds, "CPU time limit must be 0 (none) or more seconds.");
        }

        if (job.Pool.Length > 0 && !IsPoolName(job.Pool))
        {
            errors.Add(JobFields.Pool, $"'{job.Pool}' is not a pool name: use 1 to 64 letters, digits, '.', '_' or '-'.");
        }

        if (job.PoolSlots is < 1 or > MaxPoolSlots)
        {
            errors.Add(JobFields.PoolSlots, $"Pool slots must be between 1 and {MaxPoolSlots}.");
        }
        else if (job.PoolSlots > 1 && job.Pool.Length == 0)
        {
            errors.Add(JobFields.PoolSlots, "Pool slots count within a pool: choose a pool, or leave the slots at 1.");
        }

        if (job.Priority is < -MaxPriority or > MaxPriority)
        {
            errors.Add(JobFields.Priority, $"Priority must be between -{MaxPriority} and {MaxPriority} (higher starts first).");
        }

        return errors;
    }

    /// <summary>The job's pool against the pools there are (name to slots): it must exist and have the slots the job takes.</summary>
    public static void CheckPool(Job job, IReadOnlyDictionary<string, int> pools, ValidationErrors errors)
    {
        if (job.Pool.Length == 0 || !IsPoolName(job.Pool))
        {
            return;
        }

        if (!pools.TryGetValue(job.Pool, out var slots))
        {
            errors.Add(JobFields.Pool, $"There is no pool named '{job.Pool}'; an Admin creates pools on the Settings page.");
        }
        else if (job.PoolSlots > slots)
        {
            errors.Add(JobFields.PoolSlots, $"The job takes {job.PoolSlots} slots but pool '{job.Pool}' has {slots}: it could never start.");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex PoolName();
}
