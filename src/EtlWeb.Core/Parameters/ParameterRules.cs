using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using EtlWeb.Core.Documents;
using EtlWeb.Core.Jobs;

namespace EtlWeb.Core.Parameters;

/// <summary>One parameter's value for a run, in its type's canonical text form (what <c>ETL_PARAM_*</c> holds).</summary>
public sealed record ResolvedParameter(string Name, ParameterType Type, string Value, bool Secret)
{
    /// <summary>The value as the run document shows it: numbers and booleans as JSON ones, the rest as text.</summary>
    public JsonElement ToJson() => Type switch
    {
        ParameterType.Integer => JsonSerializer.SerializeToElement(long.Parse(Value, CultureInfo.InvariantCulture)),
        ParameterType.Number => JsonSerializer.SerializeToElement(decimal.Parse(Value, CultureInfo.InvariantCulture)),
        ParameterType.Boolean => JsonSerializer.SerializeToElement(Value == "true"),
        _ => JsonSerializer.SerializeToElement(Value),
    };
}

/// <summary>The values a run gets, or what is wrong with the given ones (keyed <c>params.NAME</c>).</summary>
public sealed record ParameterResolution(IReadOnlyList<ResolvedParameter> Values, ValidationErrors Errors);

/// <summary>
/// The rules of declared parameters (DESIGN.md: a run's inputs): what a declaration may say, how a given value is read
/// for each type, and how a run's values are resolved from the given ones and the defaults.
/// </summary>
public static partial class ParameterRules
{
    public const string VariablePrefix = "ETL_PARAM_";
    public const string LogicalDateVariable = "ETL_LOGICAL_DATE";
    public const string Field = "params";
    public const int MaxParameters = 50;
    public const int MaxValueLength = 4000;

    /// <summary>The text of a datetime value (and of <c>ETL_LOGICAL_DATE</c>): ISO 8601 with the offset.</summary>
    public const string DateTimeFormat = "yyyy-MM-dd'T'HH:mm:sszzz";

    public const string DateFormat = "yyyy-MM-dd";

    /// <summary>The type names a declaration may use, as the job document spells them.</summary>
    public static IReadOnlyList<string> TypeNames { get; } = [.. Enum.GetValues<ParameterType>().Select(Name)];

    public static string Name(ParameterType type) => JsonSerializer.Serialize(type).Trim('"');

    public static bool TryParseType(string name, out ParameterType type)
    {
        var index = TypeNames.ToList().IndexOf(name);
        type = index < 0 ? ParameterType.Text : Enum.GetValues<ParameterType>()[index];
        return index >= 0;
    }

    /// <summary>What is wrong with the declarations, keyed <c>parameters[i].field</c>; a default is tried at <paramref name="sampleDate"/>.</summary>
    public static ValidationErrors ValidateDeclarations(IReadOnlyList<JobParameter> parameters, TimeZoneInfo zone, DateTimeOffset sampleDate)
    {
        var errors = new ValidationErrors();
        if (parameters.Count > MaxParameters)
        {
            errors.Add(JobFields.Parameters, $"A job declares at most {MaxParameters} parameters; this one declares {parameters.Count}.");
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < parameters.Count; i++)
        {
            var parameter = parameters[i];
            var field = $"{JobFields.Parameters}[{i}].";
            if (!NamePattern().IsMatch(parameter.Name))
            {
                errors.Add(field + "name", parameter.Name.Length == 0
                    ? "A parameter needs a name."
                    : $"'{parameter.Name}' is not a parameter name: use letters, digits and _ (at most 64), starting with a letter or _.");
            }
            else if (!seen.Add(parameter.Name))
            {
                errors.Add(field + "name", $"'{parameter.Name}' is declared twice (names are compared ignoring case, as they become {VariablePrefix}{parameter.Name.ToUpperInvariant()}).");
            }

            if (parameter.Description.Length > 500)
            {
                errors.Add(field + "description", $"The description is {parameter.Description.Length} characters long; at most 500 are allowed.");
            }

            if (parameter.Type == ParameterType.Choice)
            {
                if (parameter.Choices.Count == 0 || parameter.Choices.Any(string.IsNullOrWhiteSpace))
                {
                    errors.Add(field + "choices", "A choice parameter lists the values it may take, none of them empty.");
                }
                else if (parameter.Choices.Distinct(StringComparer.Ordinal).Count() != parameter.Choices.Count)
                {
                    errors.Add(field + "choices", "Each choice may be listed once.");
                }
            }
            else if (parameter.Choices.Count > 0)
            {
                errors.Add(field + "choices", $"Only a choice parameter lists choices; this one's type is {Name(parameter.Type)}.");
            }

            if (parameter.Secret && parameter.Default.Length > 0)
            {
                errors.Add(field + "default", "A secret parameter has no default: it would be kept in the job's definition in clear. Give its value with each run, or use a secret environment variable.");
            }
            else if (parameter.Default.Length > 0 && DefaultError(parameter, sampleDate, zone) is { } error)
            {
                errors.Add(field + "default", error);
            }
        }

        return errors;
    }

    /// <summary>
    /// The run's values: each declared parameter's given value (read for its type), else its default (a template
    /// rendered at <paramref name="logicalDate"/> in <paramref name="zone"/>). A required parameter with neither, a value
    /// of the wrong type and an undeclared name are errors. A null or empty given value counts as not given.
    /// </summary>
    public static ParameterResolution Resolve(
        IReadOnlyList<JobParameter> declared, IReadOnlyDictionary<string, JsonElement>? given, DateTimeOffset logicalDate, TimeZoneInfo zone)
    {
        var errors = new ValidationErrors();
        given ??= new Dictionary<string, JsonElement>();
        var names = declared.Select(p => p.Name).ToList();
        foreach (var name in given.Keys.Where(k => !names.Contains(k, StringComparer.Ordinal)))
        {
            errors.Add($"{Field}.{name}", declared.Count == 0
                ? $"'{name}' is not a parameter of this job; it declares none."
                : FieldSuggestion.Closest(name, names) is { } close
                    ? $"'{name}' is not a parameter of this job. Did you mean '{close}'?"
                    : $"'{name}' is not a parameter of this job; it declares {string.Join(", ", names)}.");
        }

        var values = new List<ResolvedParameter>();
        foreach (var parameter in declared)
        {
            var field = $"{Field}.{parameter.Name}";
            string? value;
            if (given.TryGetValue(parameter.Name, out var element) && !IsBlank(element))
            {
                var (parsed, error) = Read(parameter, element, zone);
                if (error is not null)
                {
                    errors.Add(field, error);
                    continue;
                }

                value = parsed;
            }
            else if (parameter.Default.Length > 0)
            {
                var (parsed, error) = DefaultValue(parameter, logicalDate, zone);
                if (error is not null)
                {
                    errors.Add(field, $"The default of '{parameter.Name}' gives no value: {error}");
                    continue;
                }

                value = parsed;
            }
            else if (parameter.Required)
            {
                errors.Add(field, $"'{parameter.Name}' is required and has no default; give a value.");
                continue;
            }
            else
            {
                value = null;
            }

            if (value is not null)
            {
                values.Add(new ResolvedParameter(parameter.Name, parameter.Type, value, parameter.Secret));
            }
        }

        return new ParameterResolution(values, errors);
    }

    /// <summary>A value as text (a form's field, a webhook's key) read for the parameter's type.</summary>
    public static (string? Value, string? Error) Read(JobParameter parameter, string text, TimeZoneInfo zone) =>
        Read(parameter, JsonSerializer.SerializeToElement(text), zone);

    /// <summary>The canonical text of a given value, or why it is not one of the parameter's type.</summary>
    public static (string? Value, string? Error) Read(JobParameter parameter, JsonElement element, TimeZoneInfo zone)
    {
        var text = element.ValueKind switch
        {
            JsonValueKind.String => element.GetString()!.Trim(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => element.GetRawText(),
            _ => null,
        };
        if (text is null)
        {
            return (null, $"'{parameter.Name}' takes {Article(parameter.Type)}, not {(element.ValueKind == JsonValueKind.Array ? "a list" : "an object")}.");
        }

        if (text.Length > MaxValueLength)
        {
            return (null, $"The value of '{parameter.Name}' is {text.Length} characters long; at most {MaxValueLength} are allowed.");
        }

        // A secret value is never repeated back: the message may reach a page or a log.
        var refused = parameter.Secret ? $"The value of '{parameter.Name}' is not {Article(parameter.Type)}" : $"'{text}' is not {Article(parameter.Type)}";
        switch (parameter.Type)
        {
            case ParameterType.Text:
                return element.ValueKind == JsonValueKind.String ? (element.GetString(), null) : (text, null);
            case ParameterType.Integer:
                return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)
                    ? (integer.ToString(CultureInfo.InvariantCulture), null)
                    : (null, $"{refused}: give a whole number such as 42.");
            case ParameterType.Number:
                return decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var number)
                    ? (number.ToString(CultureInfo.InvariantCulture), null)
                    : (null, $"{refused}: give a number such as 2.5 (a point, no thousands separator).");
            case ParameterType.Boolean:
                return text.ToLowerInvariant() switch
                {
                    "true" or "yes" or "1" => ("true", null),
                    "false" or "no" or "0" => ("false", null),
                    _ => (null, $"{refused}: give true or false."),
                };
            case ParameterType.Date:
                return DateOnly.TryParseExact(text, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                    ? (date.ToString(DateFormat, CultureInfo.InvariantCulture), null)
                    : (null, $"{refused}: give a date as YYYY-MM-DD, such as 2026-03-31.");
            case ParameterType.DateTime:
                return ReadDateTime(text, zone) is { } instant
                    ? (instant.ToString(DateTimeFormat, CultureInfo.InvariantCulture), null)
                    : (null, $"{refused}: give a date and time as YYYY-MM-DDTHH:MM[:SS], with an offset or in the job's zone.");
            default:
                return parameter.Choices.Contains(text, StringComparer.Ordinal)
                    ? (text, null)
                    : (null, $"{(parameter.Secret ? "The value" : $"'{text}'")} is not one of the choices of '{parameter.Name}': {string.Join(", ", parameter.Choices)}.");
        }
    }

    /// <summary>The text the environment variable holds for a logical date: ISO 8601 in the job's zone, with its offset.</summary>
    public static string LogicalDateText(DateTimeOffset logicalDate, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(logicalDate, zone).ToString(DateTimeFormat, CultureInfo.InvariantCulture);

    private static DateTimeOffset? ReadDateTime(string text, TimeZoneInfo zone)
    {
        string[] withOffset = ["yyyy-MM-dd'T'HH:mm:sszzz", "yyyy-MM-dd'T'HH:mmzzz", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", "yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm'Z'"];
        if (DateTimeOffset.TryParseExact(text, withOffset, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var exact))
        {
            return exact;
        }

        string[] local = ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm"];
        if (!DateTime.TryParseExact(text, local, CultureInfo.InvariantCulture, DateTimeStyles.None, out var wall))
        {
            return null;
        }

        try
        {
            return ZonedTime.At(wall, zone);
        }
        catch (ArgumentOutOfRangeException)
        {
            // A wall-clock time at the edge of the calendar (0001-01-01 00:00 east of UTC) is no instant.
            return null;
        }
    }

    private static string? DefaultError(JobParameter parameter, DateTimeOffset sampleDate, TimeZoneInfo zone) =>
        DefaultValue(parameter, sampleDate, zone).Error is { } error
            ? DefaultTemplate.IsTemplate(parameter.Default) ? $"The default template of '{parameter.Name}' gives no value: {error}" : error
            : null;

    private static (string? Value, string? Error) DefaultValue(JobParameter parameter, DateTimeOffset logicalDate, TimeZoneInfo zone)
    {
        if (!DefaultTemplate.IsTemplate(parameter.Default))
        {
            return Read(parameter, parameter.Default, zone);
        }

        var (text, error) = DefaultTemplate.Render(parameter.Default, logicalDate, zone);
        return error is not null ? (null, error) : Read(parameter, text!, zone);
    }

    private static bool IsBlank(JsonElement element) =>
        element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined
        || (element.ValueKind == JsonValueKind.String && string.IsNullOrWhiteSpace(element.GetString()));

    private static string Article(ParameterType type) => type switch
    {
        ParameterType.Text => "text",
        ParameterType.Integer => "a whole number",
        ParameterType.Number => "a number",
        ParameterType.Boolean => "true or false",
        ParameterType.Date => "a date",
        ParameterType.DateTime => "a date and time",
        _ => "one of its choices",
    };

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,63}$")]
    private static partial Regex NamePattern();
}
