using System.Text.Json.Serialization;

namespace EtlWeb.Bench.Infrastructure;

/// <summary>The part of the API's run document the benchmark reads.</summary>
public sealed record RunView(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("queued_at")] DateTimeOffset QueuedAt,
    [property: JsonPropertyName("started_at")] DateTimeOffset? StartedAt,
    [property: JsonPropertyName("finished_at")] DateTimeOffset? FinishedAt,
    [property: JsonPropertyName("attempts")] IReadOnlyList<AttemptView> Attempts,
    [property: JsonPropertyName("requests")] IReadOnlyList<RequestView>? Requests = null,
    [property: JsonPropertyName("job_id")] int JobId = 0,
    [property: JsonPropertyName("logical_date")] DateTimeOffset? LogicalDate = null,
    [property: JsonPropertyName("trigger")] string? Trigger = null)
{
    private static readonly string[] Terminal = ["Succeeded", "Failed", "TimedOut", "Cancelled", "Skipped", "UpstreamFailed", "Interrupted"];

    public bool IsTerminal => Terminal.Contains(Status);
}

public sealed record AttemptView(
    [property: JsonPropertyName("number")] int Number,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("started_at")] DateTimeOffset? StartedAt,
    [property: JsonPropertyName("finished_at")] DateTimeOffset? FinishedAt,
    [property: JsonPropertyName("exit_code")] int? ExitCode,
    [property: JsonPropertyName("log_lines")] long LogLines,
    [property: JsonPropertyName("node")] string? Node = null);

public sealed record RequestView(
    [property: JsonPropertyName("trigger")] string Trigger,
    [property: JsonPropertyName("requested_at")] DateTimeOffset RequestedAt);

/// <summary>The part of the API's backfill document the benchmark reads.</summary>
public sealed record BackfillView(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("finished_at")] DateTimeOffset? FinishedAt,
    [property: JsonPropertyName("counts")] BackfillCountsView Counts);

public sealed record BackfillCountsView(
    [property: JsonPropertyName("total")] int Total,
    [property: JsonPropertyName("done")] int Done,
    [property: JsonPropertyName("running")] int Running,
    [property: JsonPropertyName("waiting")] int Waiting,
    [property: JsonPropertyName("failed")] int Failed,
    [property: JsonPropertyName("cancelled")] int Cancelled);

internal sealed record CreatedJob([property: JsonPropertyName("id")] int Id);

internal sealed record TriggeredRun([property: JsonPropertyName("run_id")] long RunId);
