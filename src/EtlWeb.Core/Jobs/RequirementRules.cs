namespace EtlWeb.Core.Jobs;

/// <summary>
/// The rules of a Python job's requirement lines. Each is a line pip reads from a requirements file; pip's options
/// (<c>--index-url</c>, <c>-e</c>, <c>-r</c>, ...) are refused, as where packages come from is EtlWeb's configuration.
/// </summary>
public static class RequirementRules
{
    public const int MaxLines = 200;

    public const int MaxLineLength = 500;

    public static ValidationErrors Validate(Job job)
    {
        var errors = new ValidationErrors();
        if (job.Requirements.Count == 0)
        {
            return errors;
        }

        if (job.Kind != JobKind.Python)
        {
            errors.Add(JobFields.Requirements, $"{JobFields.Requirements} apply to Python jobs only; this job is {JobText.Of(job.Kind)}: leave the list empty.");
            return errors;
        }

        if (job.Requirements.Count > MaxLines)
        {
            errors.Add(JobFields.Requirements, $"{JobFields.Requirements} has {job.Requirements.Count} lines; at most {MaxLines} are allowed.");
        }

        for (var i = 0; i < job.Requirements.Count; i++)
        {
            if (LineError(job.Requirements[i].Trim()) is { } error)
            {
                errors.Add(JobFields.Requirements, $"Line {i + 1} of {JobFields.Requirements}: {error}");
            }
        }

        return errors;
    }

    private static string? LineError(string line) => line switch
    {
        "" => "is empty; give one requirement per line.",
        { Length: > MaxLineLength } => $"is {line.Length} characters long; at most {MaxLineLength} are allowed.",
        _ when line.StartsWith('-') => $"'{line}' is a pip option; only requirements are allowed (the package index is EtlWeb's Python configuration).",
        _ when line.Any(char.IsControl) => "holds a control character.",
        _ => null,
    };
}
