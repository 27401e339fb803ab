namespace EtlWeb.Core.Runs;

/// <summary>How an attempt ended: its status, the process's exit code when it exited, and a message for people.</summary>
/// <param name="Outputs">The values its process wrote to <c>ETL_OUTPUT</c>, as stored (<see cref="OutputRead.Stored"/>).</param>
public sealed record AttemptOutcome(AttemptStatus Status, int? ExitCode, string Message, string? Outputs = null);

/// <summary>What an attempt's log holds once it is complete.</summary>
public sealed record LogTotals(long Lines, long Bytes, bool Truncated);
