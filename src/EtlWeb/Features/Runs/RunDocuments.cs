using System.Text.Json;
using System.Text.Json.Serialization;
using EtlWeb.Core.Runs;
using EtlWeb.Features.Notifications;

namespace EtlWeb.Features.Runs;

public sealed record AttemptDocument(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("number")] int Number,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("started_at")] DateTimeOffset? StartedAt,
    [property: JsonPropertyName("finished_at")] DateTimeOffset? FinishedAt,
    [property: JsonPropertyName("exit_code")] int? ExitCode,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("node")] string? Node,
    [property: JsonPropertyName("not_before")] DateTimeOffset? NotBefore,
    [property: JsonPropertyName("log_lines")] long LogLines,
    [property: JsonPropertyName("log_truncated")] bool LogTruncated,
    [property: JsonPropertyName("outputs")] IReadOnlyDictionary<string, JsonElement> Outputs)
{
    /// <summary>The largest memory its process tree held at once, in bytes (see <see cref="ResourceSource"/>); null where not measured.</summary>
    [JsonPropertyName("peak_memory_bytes")]
    public long? PeakMemoryBytes { get; init; }

    /// <summary>User plus system CPU time of its process tree, in seconds.</summary>
    [JsonPropertyName("cpu_seconds")]
    public double? CpuSeconds { get; init; }

    [JsonPropertyName("cpu_user_seconds")]
    public double? CpuUserSeconds { get; init; }

    [JsonPropertyName("cpu_system_seconds")]
    public double? CpuSystemSeconds { get; init; }

    /// <summary>Bytes its process tree read from and wrote to storage.</summary>
    [JsonPropertyName("read_bytes")]
    public long? ReadBytes { get; init; }

    [JsonPropertyName("write_bytes")]
    public long? WriteBytes { get; init; }

    /// <summary>How the figures were measured: "cgroup" (exact) or "process tree"; null for an attempt not measured.</summary>
    [JsonPropertyName("resource_source")]
    public string? ResourceSource { get; init; }

    public static AttemptDocument From(Attempt a) =>
        new(a.Id, a.Number, a.Status.ToString(), a.StartedAt, a.FinishedAt, a.ExitCode, a.Message, a.Node, a.NotBefore, a.LogLines, a.LogTruncated,
            AttemptOutputs.Read(a.Outputs))
        {
            PeakMemoryBytes = a.PeakMemoryBytes,
            CpuSeconds = a.CpuUserSeconds + a.CpuSystemSeconds is { } cpu ? Math.Round(cpu, 3) : null,
            CpuUserSeconds = a.CpuUserSeconds,
            CpuSystemSeconds = a.CpuSystemSeconds,
            ReadBytes = a.ReadBytes,
            WriteBytes = a.WriteBytes,
            ResourceSource = a.ResourceSource,
        };
}

/// <summary>One item of a for-each run: its place in the list, its value, and its own run.</summary>
public sealed record RunItemDocument(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("item")] string Item,
    [property: JsonPropertyName("run_id")] long RunId,
    [property: JsonPropertyName("status")] string Status);

public sealed record RunRequestDocument(
    [property: JsonPropertyName("trigger")] string Trigger,
    [property: JsonPropertyName("pipeline_id")] Guid PipelineId,
    [property: JsonPropertyName("requested_at")] DateTimeOffset RequestedAt);

public sealed record RunDocument(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("job_id")] int JobId,
    [property: JsonPropertyName("job_name")] string JobName,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("trigger")] string Trigger,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("pipeline_id")] Guid? PipelineId,
    [property: JsonPropertyName("queued_at")] DateTimeOffset QueuedAt,
    [property: JsonPropertyName("logical_date")] DateTimeOffset LogicalDate,
    [property: JsonPropertyName("started_at")] DateTimeOffset? StartedAt,
    [property: JsonPropertyName("finished_at")] DateTimeOffset? FinishedAt,
    [property: JsonPropertyName("attempts")] IReadOnlyList<AttemptDocument> Attempts,
    [property: JsonPropertyName("requests")] IReadOnlyList<RunRequestDocument> Requests,
    [property: JsonPropertyName("params")] IReadOnlyDictionary<string, JsonElement> Params,
    [property: JsonPropertyName("backfill_id")] long? BackfillId,
    [property: JsonPropertyName("outputs")] IReadOnlyDictionary<string, JsonElement> Outputs)
{
    /// <summary>For a run not yet running (Waiting or Queued): why, as the sentence shown to people; absent otherwise.</summary>
    [JsonPropertyName("waiting_for")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? WaitingFor { get; init; }

    /// <summary>The job's revision the run was made from; null for a run older than revisions.</summary>
    [JsonPropertyName("revision")]
    public int? Revision { get; init; }

    /// <summary>For an item of a for-each run: that run, the item's place in the list and its value.</summary>
    [JsonPropertyName("parent_run_id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? ParentRunId { get; init; }

    [JsonPropertyName("item_index")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? ItemIndex { get; init; }

    [JsonPropertyName("item")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Item { get; init; }

    /// <summary>For a for-each run, on a single run (GET /api/runs/{id}): its items, in list order; null otherwise.</summary>
    [JsonPropertyName("items")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<RunItemDocument>? Items { get; init; }

    /// <summary>How the run's notifications went; only on a single run (GET /api/runs/{id}), null in lists.</summary>
    [JsonPropertyName("notifications")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<NotificationDocument>? Notifications { get; init; }

    public static RunDocument From(Run run, string jobName, IEnumerable<RunRequest> requests) => new(
        run.Id, run.JobId, jobName, run.Status.ToString(), run.Trigger.ToString(), run.Reason, run.PipelineId,
        run.QueuedAt, run.LogicalDate, run.StartedAt, run.FinishedAt, [.. run.Attempts.OrderBy(a => a.Number).Select(AttemptDocument.From)],
        [.. requests.OrderBy(q => q.Id).Select(q => new RunRequestDocument(q.Trigger.ToString(), q.PipelineId, q.RequestedAt))],
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(run.Params) ?? [], run.BackfillId,
        AttemptOutputs.Read(run.Attempts.MaxBy(a => a.Number)?.Outputs))
    {
        Revision = run.Revision,
        ParentRunId = run.ParentRunId,
        ItemIndex = run.ItemIndex,
        Item = run.Item,
    };
}
