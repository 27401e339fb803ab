namespace EtlWeb.Core.Execution;

/// <summary>
/// How to start one attempt, or why it cannot start. Owns the temp file of an inline script:
/// dispose it once the attempt has ended.
/// </summary>
public sealed class LaunchPlan : IDisposable
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

    /// <summary>The private temp file holding the inline script; null when the job runs a command.</summary>
    public string? ScriptPath { get; }

    internal static LaunchPlan Ready(ProcessSpec spec, string? scriptPath) => new(spec, null, scriptPath);

    /// <summary>The error is masked: it may quote a field the user typed a secret value into.</summary>
    internal static LaunchPlan Failed(string error, SecretMasker secrets) => new(null, secrets.Mask(error), null);

    public void Dispose()
    {
        if (ScriptPath is null)
        {
            return;
        }

        try
        {
            File.Delete(ScriptPath);
        }
        catch (IOException)
        {
            // A leftover temp file is harmless; failing the attempt's cleanup over it would not be.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
