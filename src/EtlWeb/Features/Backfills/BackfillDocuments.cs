using System.Text.Json.Serialization;
using EtlWeb.Core.Runs;

namespace EtlWeb.Features.Backfills;

/// <summary>
/// Body of <c>POST /api/jobs/{id}/backfills</c>: the range (both ends included), <c>mode</c> all or missing, <c>order</c>
/// oldest or newest, <c>max_parallel</c> pipeline runs at a time, and <c>dry_run</c> to see the due times without starting.
/// </summary>
public sealed record BackfillRequest(
    [property: JsonPropertyName("from")] DateTimeOffset? From,
    [property: JsonPropertyName("to")] DateTimeOffset? To,
    [property: JsonPropertyName("mode")] string? Mode = null,
    [property: JsonPropertyName("order")] string? Order = null,
    [property: JsonPropertyName("max_parallel")] int? MaxParallel = null,
    [property: JsonPropertyName("dry_run")] bool? DryRun = null);

/// <summary>One due time of a backfill: whether it already had a succeeded run, whether it runs, and its run once started.</summary>
public sealed record DueTimeDocument(
    [property: JsonPropertyName("logical_date")] DateTimeOffset LogicalDate,
    [property: JsonPropertyName("succeeded_before")] bool SucceededBefore,
    [property: JsonPropertyName("will_run")] bool WillRun,
    [property: JsonPropertyName("run_id")] long? RunId,
    [property: JsonPropertyName("status")] string Status);

/// <summary>A backfill as the API gives it; <c>id</c> is null for a dry run, which stores nothing.</summary>
public sealed record BackfillDocument(
    [property: JsonPropertyName("id")] long? Id,
    [property: JsonPropertyName("job_id")] int JobId,
    [property: JsonPropertyName("job_name")] string JobName,
    [property: JsonPropertyName("from")] DateTimeOffset From,
    [property: JsonPropertyName("to")] DateTimeOffset To,
    [property: JsonPropertyName("mode")] BackfillMode Mode,
    [property: JsonPropertyName("order")] BackfillOrder Order,
    [property: JsonPropertyName("max_parallel")] int MaxParallel,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("created_at")] DateTimeOffset? CreatedAt,
    [property: JsonPropertyName("created_by")] string? CreatedBy,
    [property: JsonPropertyName("cancelled_at")] DateTimeOffset? CancelledAt,
    [property: JsonPropertyName("finished_at")] DateTimeOffset? FinishedAt,
    [property: JsonPropertyName("counts")] BackfillCounts Counts,
    [property: JsonPropertyName("due_times")] IReadOnlyList<DueTimeDocument> DueTimes)
{
    /// <summary>Status of a backfill: DryRun, Running, Cancelling, Cancelled or Finished.</summary>
    public static string StatusOf(Backfill backfill) =>
        (backfill.CancelledAt, backfill.FinishedAt) switch
        {
            (not null, not null) => "Cancelled",
            (not null, null) => "Cancelling",
            (null, not null) => "Finished",
            _ => "Running",
        };
}
