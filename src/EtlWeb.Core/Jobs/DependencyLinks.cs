namespace EtlWeb.Core.Jobs;

/// <summary>Reads a job document's <c>dependencies</c> into links, naming every bad part.</summary>
public static class DependencyLinks
{
    /// <summary>
    /// The links of a document's <c>dependencies</c>, each checked: a name, a known kind, a condition that parses, no
    /// unknown field. A job listed twice counts once (its first entry).
    /// </summary>
    public static List<DependencyLink> Read(IReadOnlyList<DependencyDocument?>? entries, ValidationErrors errors)
    {
        var links = new List<DependencyLink>();
        if (entries is null)
        {
            return links;
        }

        if (entries.Any(e => e is null))
        {
            errors.Add(JobFields.Dependencies, $"{JobFields.Dependencies} must list names; null is not a name.");
        }

        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i] is not { } entry)
            {
                continue;
            }

            var field = $"{JobFields.Dependencies}[{i}]";
            var name = (entry.Job ?? "").Trim();
            if (entry.Job is null)
            {
                errors.Add($"{field}.{DependencyDocument.JobField}", "A dependency names its upstream job: {\"job\": \"Extract\"}.");
            }

            foreach (var unknown in entry.Unknown)
            {
                errors.Add($"{field}.{unknown}", $"Unknown field '{unknown}' of a dependency; it has job, when and condition.");
            }

            var when = LinkKind.Success;
            if (entry.When is { } text && !JobText.TryParse(text, out when))
            {
                errors.Add($"{field}.{DependencyDocument.WhenField}", $"'{text}' is not a link kind; use one of {JobText.Allowed<LinkKind>()}.");
            }

            var condition = string.IsNullOrWhiteSpace(entry.Condition) ? null : entry.Condition.Trim();
            if (condition is not null && LinkConditions.Check(condition) is { } conditionError)
            {
                errors.Add($"{field}.{DependencyDocument.ConditionField}", conditionError);
            }

            if (name.Length > 0 && !links.Any(l => string.Equals(l.Job, name, StringComparison.Ordinal)))
            {
                links.Add(new DependencyLink(name, when, condition));
            }
        }

        return links;
    }
}
