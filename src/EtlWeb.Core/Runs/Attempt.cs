namespace EtlWeb.Core.Runs;

/// <summary>One process launch inside a run: attempt 1 and each retry.</summary>
public sealed class Attempt
{
    public long Id { get; set; }

    public long RunId { get; set; }

    public int Number { get; set; }

    /// <summary>A unique value put in the process environment (ETLWEB_ATTEMPT) to find every descendant.</summary>
    public string Marker { get; set; } = "";

    /// <summary>When a retry may start; null for a first attempt.</summary>
    public DateTimeOffset? NotBefore { get; set; }

    public RunStatus Status { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public int? ExitCode { get; set; }

    /// <summary>A human-readable outcome: "exit code 2", "interpreter not found: python9", ...</summary>
    public string? Message { get; set; }

    /// <summary>The node that owns the attempt and the process group it started.</summary>
    public string? Node { get; set; }

    public int? ProcessGroupId { get; set; }

    public long LogLines { get; set; }

    public long LogBytes { get; set; }

    public bool LogTruncated { get; set; }
}
