using System.Text;
using EtlWeb.Core.Jobs;

namespace EtlWeb.Core.Templates;

/// <summary>
/// A template made of existing jobs: each placeholder's <c>replaces</c> text becomes <c>{{ name }}</c> in every text of
/// the jobs (names and dependency names too), the rest is kept literally. Links to jobs outside the set are dropped and
/// secret values are never taken (their names stay, the value is given after creating the jobs); the notes say both.
/// </summary>
public static class TemplateCapture
{
    /// <param name="template">The request: name, description and placeholders with <c>replaces</c>.</param>
    /// <param name="jobs">The chosen jobs' documents (secret values already left out), in the order asked for.</param>
    public static (TemplateDocument Template, ValidationErrors Errors) From(TemplateDocument template, IReadOnlyList<JobDocument> jobs)
    {
        var errors = new ValidationErrors();
        var names = jobs.Select(j => j.Name).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var notes = new List<string>();
        var kept = jobs.Select(job => Within(job, names, notes)).ToList();
        var placeholders = template.Placeholders ?? [];
        var replacements = new List<(string Text, string Name)>();
        for (var index = 0; index < placeholders.Count; index++)
        {
            if (placeholders[index] is { Name: { } name } placeholder)
            {
                if (string.IsNullOrEmpty(placeholder.Replaces))
                {
                    errors.Add($"placeholders[{index}].replaces", $"Give the text of the jobs that becomes {{{{ {name} }}}}.");
                }
                else if (!kept.Any(j => Mentions(j, placeholder.Replaces)))
                {
                    errors.Add($"placeholders[{index}].replaces", $"'{placeholder.Replaces}' does not appear in the chosen jobs.");
                }
                else
                {
                    replacements.Add((placeholder.Replaces, name));
                }
            }
        }

        // The longest text first, so "sales_daily" is not taken for "sales" followed by "_daily".
        replacements.Sort((a, b) => b.Text.Length.CompareTo(a.Text.Length));
        var captured = kept.Select(job => MapJob(job, replacements)).ToList();
        return (template with
        {
            Jobs = captured,
            JobIds = null,
            Placeholders = [.. placeholders.Select(p => p is null ? null : p with { Replaces = null, Default = p.Default ?? p.Replaces })],
            Notes = notes,
        }, errors);
    }

    private static bool Mentions(JobDocument job, string text)
    {
        var found = false;
        TemplateRules.MapTexts(job, "", (_, value) =>
        {
            found |= value.Contains(text, StringComparison.Ordinal);
            return value;
        });
        return found;
    }

    private static JobDocument MapJob(JobDocument job, List<(string Text, string Name)> replacements) =>
        TemplateRules.MapTexts(job, "", (_, text) => Replace(text, replacements));

    /// <summary>The job as a template holds it: no read-only fields, no folder or position, links only to jobs of the set.</summary>
    private static JobDocument Within(JobDocument job, HashSet<string> names, List<string> notes)
    {
        var dependencies = new List<DependencyDocument?>();
        foreach (var dependency in job.Dependencies ?? [])
        {
            if (dependency?.Job is { } upstream && !names.Contains(upstream))
            {
                notes.Add($"The link from '{upstream}' to '{job.Name}' was left out: '{upstream}' is not one of the template's jobs.");
            }
            else
            {
                dependencies.Add(dependency);
            }
        }

        var forEach = job.ForEach;
        if (forEach?.Job is { } source && !names.Contains(source))
        {
            notes.Add($"'{job.Name}' runs once per item of '{source}', which is not one of the template's jobs: its for-each was left out.");
            forEach = null;
        }

        foreach (var secret in job.SecretEnvironment ?? [])
        {
            notes.Add($"The secret variable {secret} of '{job.Name}' is kept without its value: jobs created from the template have it empty until it is set.");
        }

        return job with
        {
            Id = null, Folder = null, DesignerX = null, DesignerY = null, Dependencies = dependencies, ForEach = forEach,
            Status = null, Revision = null, WaitingFor = null, ItemsProgress = null, LastRunAt = null, NextRunAt = null, PausedUntil = null, WebhookToken = null,
        };
    }

    /// <summary>The text as Liquid: each replaced text as its placeholder, everything else escaped to render as it was.</summary>
    private static string Replace(string text, List<(string Text, string Name)> replacements)
    {
        var result = new StringBuilder();
        var literal = new StringBuilder();
        var position = 0;
        while (position < text.Length)
        {
            var match = replacements.FirstOrDefault(r => string.CompareOrdinal(text, position, r.Text, 0, r.Text.Length) == 0);
            if (match.Text is null)
            {
                literal.Append(text[position]);
                position++;
                continue;
            }

            // A brace just before the placeholder would open it as "{{{": it is written as an output of itself.
            var before = LiquidText.Escape(literal.ToString());
            result.Append(before.EndsWith('{') ? before[..^1] + "{{ '{' }}" : before).Append("{{ ").Append(match.Name).Append(" }}");
            literal.Clear();
            position += match.Text.Length;
        }

        return result.Append(LiquidText.Escape(literal.ToString())).ToString();
    }
}
