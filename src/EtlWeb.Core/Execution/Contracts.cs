using EtlWeb.Core.Runs;

namespace EtlWeb.Core.Execution;

/// <summary>Everything needed to start one attempt's process.</summary>
/// <param name="Marker">A unique value put in the child's environment as ETLWEB_ATTEMPT; it finds descendants that left the process group.</param>
/// <param name="Secrets">Masks the job's secret values in every line of output before the output sees it.</param>
public sealed record ProcessSpec(
    string FileName,
    IReadOnlyList<string> Arguments,
    string? WorkingDirectory,
    IReadOnlyDictionary<string, string> Environment,
    string Marker,
    SecretMasker Secrets);

/// <summary>Receives an attempt's output, one line at a time, in arrival order; calls to OnLine are never concurrent.</summary>
public interface IAttemptOutput
{
    /// <param name="spoolEnd">The offset in the stream's spool file just past the line: a restart reads on from there.</param>
    void OnLine(LogStream stream, string text, DateTimeOffset timestamp, long spoolEnd);

    /// <summary>The offset in the stream's spool up to which its lines are stored for good: the bytes before it may be freed.</summary>
    long Stored(LogStream stream);
}
