using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EtlWeb.Core.Jobs;

namespace EtlWeb.Core.Templates;

/// <summary>
/// What makes a template valid (a name, identifiers as placeholders, every placeholder used and declared, Liquid that
/// parses) and how its jobs are rendered with the placeholders' values. Errors name the field: <c>jobs[1].command</c>,
/// <c>placeholders[0].name</c>, <c>values.table</c>.
/// </summary>
public static partial class TemplateRules
{
    public const int MaxNameLength = 100;
    public const int MaxJobs = 100;

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Every problem of the template, by field; empty when it can be saved.</summary>
    public static ValidationErrors Check(TemplateDocument template)
    {
        var errors = new ValidationErrors();
        if (NameProblem(template.Name) is { } problem)
        {
            errors.Add("name", problem);
        }

        var declared = CheckPlaceholders(template.Placeholders ?? [], errors);
        if (template.Jobs is not { Count: > 0 } jobs)
        {
            errors.Add("jobs", "A template has at least one job.");
            return errors;
        }

        if (jobs.Count > MaxJobs)
        {
            errors.Add("jobs", $"A template has at most {MaxJobs} jobs; this one has {jobs.Count}.");
        }

        var used = new HashSet<string>(StringComparer.Ordinal);
        for (var index = 0; index < jobs.Count; index++)
        {
            if (jobs[index] is not { } job)
            {
                errors.Add($"jobs[{index}]", "Expected a job document; null is not one.");
                continue;
            }

            MapTexts(job, $"jobs[{index}]", (path, text) =>
            {
                var (names, error) = LiquidText.Names(text);
                if (error is not null)
                {
                    errors.Add(path, error);
                }

                foreach (var name in names.Order(StringComparer.Ordinal))
                {
                    used.Add(name);
                    if (!declared.ContainsKey(name))
                    {
                        errors.Add(path, $"'{name}' is not a placeholder of the template: declare it under placeholders, or write literal braces as {{{{ '{{{{' }}}}.");
                    }
                }

                return text;
            });
        }

        foreach (var (name, index) in declared.Where(d => !used.Contains(d.Key)))
        {
            errors.Add($"placeholders[{index}].name", $"Placeholder '{name}' is not used by any job; use it as {{{{ {name} }}}} or remove it.");
        }

        return errors;
    }

    /// <summary>Why <paramref name="name"/> cannot name a template, or null.</summary>
    public static string? NameProblem(string? name) => name switch
    {
        null or "" => "A template needs a name.",
        { Length: > MaxNameLength } => $"The name is {name.Length} characters long; at most {MaxNameLength} are allowed.",
        _ when !TemplateName().IsMatch(name) => $"'{name}' is not a template name: use letters, digits, spaces, '.', '_' and '-', starting with a letter or digit.",
        _ => null,
    };

    /// <summary>
    /// The template's jobs with each placeholder's value (or its default), put in <paramref name="folder"/>. The template
    /// must be valid (<see cref="Check"/>). Errors name <c>values.NAME</c> for a value missing or not asked for.
    /// </summary>
    public static (IReadOnlyList<JobDocument> Jobs, ValidationErrors Errors) Render(TemplateDocument template, IReadOnlyDictionary<string, string?> given, string folder)
    {
        var errors = new ValidationErrors();
        var placeholders = (template.Placeholders ?? []).OfType<PlaceholderDocument>().ToList();
        foreach (var name in given.Keys.Where(k => !placeholders.Any(p => p.Name == k)))
        {
            errors.Add($"values.{name}", $"The template has no placeholder '{name}'; it has {Listing(placeholders)}.");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var placeholder in placeholders)
        {
            var name = placeholder.Name!;
            if ((given.GetValueOrDefault(name) ?? placeholder.Default) is { } value && (value.Trim().Length > 0 || placeholder.Default is not null))
            {
                values[name] = value;
            }
            else
            {
                errors.Add($"values.{name}", $"A value for '{name}' is required{(string.IsNullOrEmpty(placeholder.Description) ? "" : $" ({placeholder.Description})")}.");
            }
        }

        if (!errors.IsEmpty)
        {
            return ([], errors);
        }

        var jobs = template.Jobs!.Select((job, index) => MapTexts(job!, $"jobs[{index}]", (_, text) => LiquidText.Render(text, values)) with { Folder = folder });
        return ([.. jobs], errors);
    }

    /// <summary>
    /// The job with every text value (fields, variables, list items, at any depth) passed through <paramref name="map"/>
    /// with its path; variable names and other keys are left alone.
    /// </summary>
    public static JobDocument MapTexts(JobDocument job, string path, Func<string, string, string> map)
    {
        var node = JsonSerializer.SerializeToNode(job, Json)!;
        return Map(node, path, map)!.Deserialize<JobDocument>(Json)!;
    }

    private static JsonNode? Map(JsonNode? node, string path, Func<string, string, string> map)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    obj[key] = Map(obj[key], $"{path}.{key}", map);
                }

                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    array[i] = Map(array[i], $"{path}[{i}]", map);
                }

                return array;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                return JsonValue.Create(map(path, value.GetValue<string>()));
            default:
                return node;
        }
    }

    /// <summary>The declared placeholders by name, with their index; problems named at <c>placeholders[N].name</c>.</summary>
    private static Dictionary<string, int> CheckPlaceholders(IReadOnlyList<PlaceholderDocument?> placeholders, ValidationErrors errors)
    {
        var declared = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var index = 0; index < placeholders.Count; index++)
        {
            var field = $"placeholders[{index}].name";
            if (placeholders[index]?.Name is not { } name)
            {
                errors.Add(field, "A placeholder needs a name.");
            }
            else if (!PlaceholderName().IsMatch(name))
            {
                errors.Add(field, $"'{name}' is not a placeholder name: letters, digits and '_' (at most 64), not starting with a digit.");
            }
            else if (declared.Keys.FirstOrDefault(d => string.Equals(d, name, StringComparison.OrdinalIgnoreCase)) is { } other)
            {
                errors.Add(field, $"'{name}' is declared twice (as '{other}' before); names are unique ignoring case.");
            }
            else
            {
                declared[name] = index;
            }
        }

        return declared;
    }

    private static string Listing(List<PlaceholderDocument> placeholders) =>
        placeholders.Count == 0 ? "none" : string.Join(", ", placeholders.Select(p => p.Name));

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,63}$")]
    private static partial Regex PlaceholderName();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9 ._-]*$")]
    private static partial Regex TemplateName();
}
