using EtlWeb.Core.Jobs;
using EtlWeb.Core.Scheduling;
using EtlWeb.Data;
using EtlWeb.Realtime;
using EtlWeb.Security;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Features.Calendars;

/// <summary>The calendars as they are now, for the pages, the editor and the API to read.</summary>
public sealed class CalendarDirectory(IDbContextFactory<EtlDbContext> dbFactory)
{
    public async Task<IReadOnlyList<CalendarView>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var calendars = await db.Calendars.AsNoTracking().OrderBy(c => c.Name).ToListAsync(cancellationToken);
        var jobs = (await db.Jobs.AsNoTracking().Where(j => j.Calendar != "").Select(j => new { j.Calendar, j.Name }).ToListAsync(cancellationToken))
            .ToLookup(j => j.Calendar, j => j.Name, StringComparer.Ordinal);
        return [.. calendars.Select(c => CalendarRules.View(c, [.. jobs[c.Name].Order(StringComparer.Ordinal)]))];
    }

    public async Task<CalendarView?> GetAsync(string name, CancellationToken cancellationToken = default) =>
        (await ListAsync(cancellationToken)).FirstOrDefault(c => c.Name == name);
}

/// <summary>
/// Creates, changes, fills and removes the calendars (Admins; audited). A change re-plans the jobs that name the
/// calendar, so the scheduler, the next run and the dashboard see the new days at once.
/// </summary>
public sealed class CalendarCatalog(IDbContextFactory<EtlDbContext> dbFactory, CurrentActor actors, AuditLog audit, JobChangeFeed changes, TimeProvider time)
{
    public async Task<(CalendarChange Result, ValidationErrors Errors)> CreateAsync(CalendarBody body, CancellationToken cancellationToken = default)
    {
        actors.Demand(EtlRoles.Admin, "add calendars");
        var errors = new ValidationErrors();
        var (name, description, days) = CalendarRules.Read(body, errors);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (errors.IsEmpty && await db.Calendars.AnyAsync(c => c.Name == name, cancellationToken))
        {
            errors.Add(CalendarRules.NameField, $"A calendar named '{name}' exists already.");
        }

        if (!errors.IsEmpty)
        {
            return (CalendarChange.Invalid, errors);
        }

        db.Calendars.Add(new BusinessCalendar { Name = name, Description = description, Days = days, UpdatedAt = time.GetUtcNow() });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            errors.Add(CalendarRules.NameField, $"A calendar named '{name}' exists already.");
            return (CalendarChange.Invalid, errors);
        }

        await audit.RecordAsync(AuditActions.CalendarCreated, name, Describe(days), cancellationToken);
        return (CalendarChange.Done, errors);
    }

    /// <summary>Replaces a calendar's description and days; it keeps its name (its jobs name it).</summary>
    public async Task<(CalendarChange Result, ValidationErrors Errors)> UpdateAsync(string name, CalendarBody body, CancellationToken cancellationToken = default)
    {
        actors.Demand(EtlRoles.Admin, "change calendars");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Calendars.FirstOrDefaultAsync(c => c.Name == name, cancellationToken) is not { } calendar)
        {
            return (CalendarChange.Missing, new ValidationErrors());
        }

        var errors = new ValidationErrors();
        var (renamed, description, days) = CalendarRules.Read(body with { Name = body.Name ?? name }, errors);
        if (renamed != name && ResourceRules.IsPoolName(renamed))
        {
            errors.Add(CalendarRules.NameField, $"A calendar keeps its name ('{name}'): its jobs use it by that name.");
        }

        if (!errors.IsEmpty)
        {
            return (CalendarChange.Invalid, errors);
        }

        var before = Describe(calendar.Days);
        calendar.Description = description;
        calendar.Days = days;
        calendar.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(AuditActions.CalendarChanged, name, $"{before} -> {Describe(days)}", cancellationToken);
        await ReplanAsync(db, name, cancellationToken);
        return (CalendarChange.Done, errors);
    }

    /// <summary>Removes a calendar no job names; refused, naming the jobs, otherwise.</summary>
    public async Task<(CalendarChange Result, ValidationErrors Errors)> DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        actors.Demand(EtlRoles.Admin, "remove calendars");
        var errors = new ValidationErrors();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Calendars.FirstOrDefaultAsync(c => c.Name == name, cancellationToken) is not { } calendar)
        {
            return (CalendarChange.Missing, errors);
        }

        var jobs = await db.Jobs.Where(j => j.Calendar == name).Select(j => j.Name).OrderBy(n => n).ToListAsync(cancellationToken);
        if (jobs.Count > 0)
        {
            errors.Add(CalendarRules.NameField, $"Calendar '{name}' is used by {string.Join(", ", jobs)}. Choose another calendar (or none) for them first.");
            return (CalendarChange.InUse, errors);
        }

        db.Calendars.Remove(calendar);
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(AuditActions.CalendarDeleted, name, Describe(calendar.Days), cancellationToken);
        return (CalendarChange.Done, errors);
    }

    /// <summary>
    /// Adds the days of an iCalendar file to a calendar, creating it when there is none of that name; recurring events
    /// count from <see cref="IcsDays.YearsBack"/> year before now to <see cref="IcsDays.YearsAhead"/> years after.
    /// </summary>
    public async Task<(IcsImportResult? Result, ValidationErrors Errors)> ImportAsync(string name, string ics, CancellationToken cancellationToken = default)
    {
        actors.Demand(EtlRoles.Admin, "import calendars");
        var errors = new ValidationErrors();
        if (!CalendarRules.CheckName(name, errors))
        {
            return (null, errors);
        }

        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        if (!IcsDays.TryRead(ics, today.AddYears(-IcsDays.YearsBack), today.AddYears(IcsDays.YearsAhead), out var read, out var error))
        {
            errors.Add("ics", error);
            return (null, errors);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var calendar = await db.Calendars.FirstOrDefaultAsync(c => c.Name == name, cancellationToken);
        var created = calendar is null;
        calendar ??= db.Calendars.Add(new BusinessCalendar { Name = name }).Entity;
        var added = read.Except(calendar.Days).ToList();
        calendar.Days = [.. calendar.Days.Union(added).Order()];
        calendar.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        var result = new IcsImportResult(added.Count, added.Count > 0 ? CalendarRules.Format(added[0]) : null, added.Count > 0 ? CalendarRules.Format(added[^1]) : null, calendar.Days.Count, created);
        await audit.RecordAsync(created ? AuditActions.CalendarCreated : AuditActions.CalendarImported, name, $"{added.Count} day(s) added from an .ics file", cancellationToken);
        await ReplanAsync(db, name, cancellationToken);
        return (result, errors);
    }

    private async Task ReplanAsync(EtlDbContext db, string name, CancellationToken cancellationToken)
    {
        foreach (var id in await db.Jobs.Where(j => j.Calendar == name).Select(j => j.Id).ToListAsync(cancellationToken))
        {
            changes.Publish(id);
        }
    }

    private static string Describe(IReadOnlyList<DateOnly> days) =>
        days.Count == 0 ? "no days" : $"{days.Count} day(s), {CalendarRules.Format(days[0])} to {CalendarRules.Format(days[^1])}";
}
