using System.Text;
using Microsoft.AspNetCore.Mvc;
using EtlWeb.Features.Calendars;
using EtlWeb.Security;

namespace EtlWeb.Api;

internal static class CalendarsApi
{
    /// <summary>An .ics file larger than this is refused: a year of holidays is a few kilobytes.</summary>
    private const long MaxIcsBytes = 4 * 1024 * 1024;

    public static void MapCalendarsApi(this RouteGroupBuilder api)
    {
        var calendars = api.MapGroup("/calendars").WithTags("Calendars");
        calendars.MapGet("/", async (CalendarDirectory directory, CancellationToken ct) => Results.Ok(await directory.ListAsync(ct)))
            .WithSummary("The business calendars: each with its description, its days (yyyy-MM-dd, ascending) and the jobs that name it.")
            .Produces<IReadOnlyList<CalendarView>>();

        calendars.MapGet("/{name}", async (string name, CalendarDirectory directory, CancellationToken ct) =>
                await directory.GetAsync(name, ct) is { } calendar ? Results.Ok(calendar) : Missing())
            .WithSummary("One business calendar with its days and the jobs that name it.")
            .Produces<CalendarView>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        calendars.MapPost("/", async (CalendarBody body, CalendarCatalog catalog, CalendarDirectory directory, CancellationToken ct) =>
            {
                var change = await catalog.CreateAsync(body, ct);
                var name = (body.Name ?? "").Trim();
                return change.Result == CalendarChange.Done
                    ? Results.Created($"/api/calendars/{name}", await directory.GetAsync(name, ct))
                    : Answer(change, Missing);
            })
            .RequireAuthorization(EtlPolicies.Administer)
            .WithSummary("Create a calendar: a name (letters, digits, '.', '_', '-'), an optional description and its days (yyyy-MM-dd). Audited.")
            .Produces<CalendarView>(StatusCodes.Status201Created)
            .ProducesValidationProblem();

        calendars.MapPut("/{name}", async (string name, CalendarBody body, CalendarCatalog catalog, CalendarDirectory directory, CancellationToken ct) =>
            {
                var change = await catalog.UpdateAsync(name, body, ct);
                return change.Result == CalendarChange.Done ? Results.Ok(await directory.GetAsync(name, ct)) : Answer(change, Missing);
            })
            .RequireAuthorization(EtlPolicies.Administer)
            .WithSummary("Replace a calendar's description and days (it keeps its name); its jobs are re-planned at once. Audited.")
            .Produces<CalendarView>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        calendars.MapDelete("/{name}", async (string name, CalendarCatalog catalog, CancellationToken ct) =>
                Answer(await catalog.DeleteAsync(name, ct), Results.NoContent))
            .RequireAuthorization(EtlPolicies.Administer)
            .WithSummary("Remove a calendar no job names (409 naming the jobs otherwise). Audited.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        calendars.MapPost("/{name}/ics", async (string name, HttpRequest request, CalendarCatalog catalog, CancellationToken ct) =>
            {
                using var reader = new StreamReader(request.Body, Encoding.UTF8);
                var (result, errors) = await catalog.ImportAsync(name, await reader.ReadToEndAsync(ct), ct);
                return result is null ? Results.ValidationProblem(errors.ToDictionary()) : Results.Ok(result);
            })
            .RequireAuthorization(EtlPolicies.Administer)
            .WithMetadata(OpenBody.Instance, new RequestSizeLimitAttribute(MaxIcsBytes))
            .WithSummary($"Add the days of an iCalendar file (the request body, any content type) to the calendar, creating it when missing: all-day and multi-day events give each of their days, timed ones the date they start, recurring ones their occurrences from {IcsDays.YearsBack} year ago to {IcsDays.YearsAhead} years ahead. Answers how many days were added, the first and last of them. Audited.")
            .Produces<IcsImportResult>()
            .ProducesValidationProblem();
    }

    private static IResult Missing() => Results.Problem("There is no such calendar.", statusCode: StatusCodes.Status404NotFound, title: "Not found");

    private static IResult Answer((CalendarChange Result, Core.Jobs.ValidationErrors Errors) change, Func<IResult> done) => change.Result switch
    {
        CalendarChange.Done => done(),
        CalendarChange.Missing => Missing(),
        CalendarChange.InUse => Results.Problem(string.Join(" ", change.Errors.ToDictionary().Values.SelectMany(m => m)), statusCode: StatusCodes.Status409Conflict, title: "In use"),
        _ => Results.ValidationProblem(change.Errors.ToDictionary()),
    };
}
