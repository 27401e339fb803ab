using System.Globalization;
using System.Text.Json.Serialization;
using EtlWeb.Core.Jobs;
using EtlWeb.Core.Scheduling;

namespace EtlWeb.Features.Calendars;

/// <summary>A calendar as written to EtlWeb: its name, an optional description and its days (yyyy-MM-dd).</summary>
public sealed record CalendarBody(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("days")] IReadOnlyList<string?>? Days);

/// <summary>A calendar as EtlWeb shows it: its days ascending, and the jobs that name it.</summary>
public sealed record CalendarView(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("days")] IReadOnlyList<string> Days,
    [property: JsonPropertyName("jobs")] IReadOnlyList<string> Jobs);

/// <summary>What an .ics upload added to a calendar: how many new days, the first and last of them, and the days it holds now.</summary>
public sealed record IcsImportResult(
    [property: JsonPropertyName("added")] int Added,
    [property: JsonPropertyName("first")] string? First,
    [property: JsonPropertyName("last")] string? Last,
    [property: JsonPropertyName("days")] int Days,
    [property: JsonPropertyName("created")] bool Created);

/// <summary>What a change of a calendar came to.</summary>
public enum CalendarChange
{
    Done,
    Invalid,
    Missing,

    /// <summary>Jobs name the calendar: it cannot be removed.</summary>
    InUse,
}

/// <summary>The fields of a calendar and how they are checked.</summary>
public static class CalendarRules
{
    public const string NameField = "name";
    public const string DescriptionField = "description";
    public const string DaysField = "days";
    public const int MaxDescription = 500;

    /// <summary>A day as documents write it.</summary>
    public static string Format(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The days of a calendar as shown, for the schedule to read (the editor's preview).</summary>
    public static CalendarDays DaysOf(CalendarView view) =>
        new(view.Name, view.Days.Select(d => DateOnly.ParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture)));

    public static CalendarView View(BusinessCalendar calendar, IReadOnlyList<string> jobs) =>
        new(calendar.Name, calendar.Description, [.. calendar.Days.Select(Format)], jobs);

    /// <summary>A calendar's name has the shape of a pool's: 1 to 64 letters, digits, '.', '_' or '-'.</summary>
    public static bool CheckName(string name, ValidationErrors errors)
    {
        if (ResourceRules.IsPoolName(name))
        {
            return true;
        }

        errors.Add(NameField, name.Length == 0 ? "A calendar needs a name." : $"'{name}' is not a calendar name: use 1 to 64 letters, digits, '.', '_' or '-'.");
        return false;
    }

    /// <summary>The body's name, description and days, with what is wrong with them by field (days[i] for a bad day).</summary>
    public static (string Name, string Description, List<DateOnly> Days) Read(CalendarBody body, ValidationErrors errors)
    {
        var name = (body.Name ?? "").Trim();
        CheckName(name, errors);

        var description = (body.Description ?? "").Trim();
        if (description.Length > MaxDescription)
        {
            errors.Add(DescriptionField, $"The description has {description.Length} characters; at most {MaxDescription}.");
        }

        var days = new SortedSet<DateOnly>();
        var given = body.Days ?? [];
        for (var i = 0; i < given.Count; i++)
        {
            if (DateOnly.TryParseExact(given[i]?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                days.Add(day);
            }
            else
            {
                errors.Add($"{DaysField}[{i}]", $"'{given[i]}' is not a date (yyyy-MM-dd).");
            }
        }

        return (name, description, [.. days]);
    }
}
