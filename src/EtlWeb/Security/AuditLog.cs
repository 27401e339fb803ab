using EtlWeb.Data;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Security;

/// <summary>Writes and reads the audit log. An action EtlWeb's engine takes by itself (a scheduled run) is not audited: the run history has it.</summary>
public sealed class AuditLog(IDbContextFactory<EtlDbContext> dbFactory, CurrentActor actors, TimeProvider time)
{
    public const int MaxPage = 500;

    /// <summary>Records what the current actor did; nothing when EtlWeb's engine acted by itself.</summary>
    public async Task RecordAsync(string action, string target, string details = "", CancellationToken cancellationToken = default)
    {
        if (actors.Value is { IsSystem: false } actor)
        {
            await RecordAsync(actor, action, target, details, cancellationToken);
        }
    }

    /// <summary>Records an action of an actor that is not (yet) the current one, such as a sign-in attempt.</summary>
    public async Task RecordAsync(Actor actor, string action, string target, string details = "", CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.AuditEntries.Add(new AuditEntry
        {
            At = time.GetUtcNow(),
            Actor = Truncate(actor.Name, 256),
            Address = actor.Address,
            Action = action,
            Target = Truncate(target, 512),
            Details = details,
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Entries matching the filter, newest first, with the total count for paging.</summary>
    public async Task<(IReadOnlyList<AuditEntry> Entries, int Total)> SearchAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var entries = db.AuditEntries.AsNoTracking();
        if (query.Action is { Length: > 0 } action)
        {
            entries = entries.Where(e => e.Action == action);
        }

        if (query.Text is { Length: > 0 } text)
        {
            var pattern = "%" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
            // SQLite's LIKE ignores the case of ASCII letters; PostgreSQL's does not, its ILIKE does.
            entries = db.Database.IsNpgsql()
                ? entries.Where(e => EF.Functions.ILike(e.Actor, pattern, "\\") || EF.Functions.ILike(e.Target, pattern, "\\")
                    || EF.Functions.ILike(e.Details, pattern, "\\") || EF.Functions.ILike(e.Address ?? "", pattern, "\\"))
                : entries.Where(e => EF.Functions.Like(e.Actor, pattern, "\\") || EF.Functions.Like(e.Target, pattern, "\\")
                    || EF.Functions.Like(e.Details, pattern, "\\") || EF.Functions.Like(e.Address ?? "", pattern, "\\"));
        }

        if (query.From is { } from)
        {
            entries = entries.Where(e => e.At >= from);
        }

        if (query.To is { } to)
        {
            entries = entries.Where(e => e.At < to);
        }

        var total = await entries.CountAsync(cancellationToken);
        var page = await entries.OrderByDescending(e => e.Id)
            .Skip(Math.Max(0, query.Skip))
            .Take(Math.Clamp(query.Take, 1, MaxPage))
            .ToListAsync(cancellationToken);
        return (page, total);
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}

/// <param name="Text">Matched anywhere in actor, target, details or address.</param>
/// <param name="To">Exclusive end.</param>
public sealed record AuditQuery(string? Action = null, string? Text = null, DateTimeOffset? From = null, DateTimeOffset? To = null, int Skip = 0, int Take = 50);
