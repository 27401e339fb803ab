namespace EtlWeb.Core.Jobs;

/// <summary>
/// A named share of the cluster: at most <see cref="Slots"/> slots of its jobs' attempts run at once, on whatever
/// nodes; a job of the pool takes its <see cref="Job.PoolSlots"/> of them per attempt.
/// </summary>
public sealed class Pool
{
    public string Name { get; set; } = "";

    public int Slots { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A pool as a waiting attempt sees it: how many of its slots are taken, and how many the attempt needs.</summary>
public sealed record PoolUse(string Name, int Used, int Slots, int Needs)
{
    /// <summary>Whether the attempt fits in the slots left.</summary>
    public bool HasRoom => Used + Needs <= Slots;
}
