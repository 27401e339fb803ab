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

/// <summary>Receives an attempt's output, one line at a time, in arrival order; calls are never concurrent.</summary>
public interface IAttemptOutput
{
    void OnLine(LogStream stream, string text, DateTimeOffset timestamp);
}
