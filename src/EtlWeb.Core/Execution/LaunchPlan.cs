namespace EtlWeb.Core.Execution;

/// <summary>How to start one attempt, or why it cannot start.</summary>
public sealed class LaunchPlan
{
    private LaunchPlan(ProcessSpec? spec, string? error, string? scriptPath)
    {
        Spec = spec;
        Error = error;
        ScriptPath = scriptPath;
    }

    /// <summary>The process to start; null when <see cref="Error"/> says why it cannot start.</summary>
    public ProcessSpec? Spec { get; }

    /// <summary>A message for the user naming the field and value at fault; null when the attempt can start.</summary>
    public string? Error { get; }

    /// <summary>The private file holding the inline script, in the attempt's spool (it goes with it); null when the job runs a command.</summary>
    public string? ScriptPath { get; }

    internal static LaunchPlan Ready(ProcessSpec spec, string? scriptPath) => new(spec, null, scriptPath);

    /// <summary>The error is masked: it may quote a field the user typed a secret value into.</summary>
    internal static LaunchPlan Failed(string error, SecretMasker secrets) => new(null, secrets.Mask(error), null);
}
