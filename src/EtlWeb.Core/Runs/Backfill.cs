using System.Text.Json.Serialization;

namespace EtlWeb.Core.Runs;

/// <summary>Which due times of the range a backfill runs.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<BackfillMode>))]
public enum BackfillMode
{
    /// <summary>Every due time.</summary>
    [JsonStringEnumMemberName("all")]
    All,

    /// <summary>Only due times without a succeeded run of the job for that logical date.</summary>
    [JsonStringEnumMemberName("missing")]
    Missing,
}

[JsonConverter(typeof(JsonStringEnumConverter<BackfillOrder>))]
public enum BackfillOrder
{
    [JsonStringEnumMemberName("oldest")]
    Oldest,

    [JsonStringEnumMemberName("newest")]
    Newest,
}

/// <summary>
/// A re-run of a job's schedule over a past range: one pipeline run per due time (each with that logical date), at most
/// <see cref="MaxParallel"/> at a time, started in <see cref="Order"/> by the <c>BackfillDriver</c> as earlier ones end.
/// </summary>
public sealed class Backfill
{
    public long Id { get; set; }

    public int JobId { get; set; }

    public DateTimeOffset From { get; set; }

    public DateTimeOffset To { get; set; }

    public BackfillMode Mode { get; set; }

    public BackfillOrder Order { get; set; }

    public int MaxParallel { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Who created it (a user name or a token's name).</summary>
    public string CreatedBy { get; set; } = "";

    /// <summary>Set by a cancel: no further due time starts, the running ones are cancelled.</summary>
    public DateTimeOffset? CancelledAt { get; set; }

    /// <summary>Set once every due time has a run that ended, or the backfill was cancelled and its runs ended.</summary>
    public DateTimeOffset? FinishedAt { get; set; }

    public List<BackfillItem> Items { get; set; } = [];
}

/// <summary>One due time of a backfill, in the order it starts; its run once started.</summary>
public sealed class BackfillItem
{
    public long Id { get; set; }

    public long BackfillId { get; set; }

    /// <summary>0 first: the order the due times start in.</summary>
    public int Sequence { get; set; }

    /// <summary>When the driver took it to start; set before its run is created, so two drivers never both start it.</summary>
    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset LogicalDate { get; set; }

    /// <summary>The run of the backfilled job for this due time (the root of its pipeline run); null until it starts.</summary>
    public long? RunId { get; set; }

    /// <summary>How its run ended, kept here once it did: retention may purge the run before the backfill is looked at.</summary>
    public RunStatus? Outcome { get; set; }
}

/// <summary>A backfill's progress, by what became of each due time's run.</summary>
public sealed record BackfillCounts(
    [property: JsonPropertyName("total")] int Total,
    [property: JsonPropertyName("done")] int Done,
    [property: JsonPropertyName("running")] int Running,
    [property: JsonPropertyName("waiting")] int Waiting,
    [property: JsonPropertyName("failed")] int Failed,
    [property: JsonPropertyName("cancelled")] int Cancelled)
{
    /// <summary>Counts each due time: not started yet or Waiting/Queued is waiting; Skipped counts as cancelled.</summary>
    public static BackfillCounts Of(IReadOnlyList<RunStatus?> statuses) => new(
        statuses.Count,
        statuses.Count(s => s == RunStatus.Succeeded),
        statuses.Count(s => s == RunStatus.Running),
        statuses.Count(s => s is null or RunStatus.Waiting or RunStatus.Queued),
        statuses.Count(s => s is RunStatus.Failed or RunStatus.TimedOut or RunStatus.UpstreamFailed or RunStatus.Interrupted),
        statuses.Count(s => s is RunStatus.Cancelled or RunStatus.Skipped));
}
