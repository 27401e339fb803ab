namespace EtlWeb.Core.Runs;

/// <summary>How an attempt ended: its status, the process's exit code when it exited, and a message for people.</summary>
public sealed record AttemptOutcome(AttemptStatus Status, int? ExitCode, string Message);

/// <summary>What an attempt's log holds once it is complete.</summary>
public sealed record LogTotals(long Lines, long Bytes, bool Truncated);
