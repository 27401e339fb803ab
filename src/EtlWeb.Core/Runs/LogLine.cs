namespace EtlWeb.Core.Runs;

public enum LogStream : byte
{
    Stdout = 1,
    Stderr = 2,

    /// <summary>Lines EtlWeb itself writes into an attempt's log (start, truncation, kill).</summary>
    System = 3,
}

/// <summary>One captured line of an attempt's output.</summary>
public readonly record struct LogLine(long Number, DateTimeOffset Timestamp, LogStream Stream, string Text);
