using System.Text.Json.Serialization;
using EtlWeb.Core.Connections;
using EtlWeb.Core.Jobs;
using EtlWeb.Data;
using EtlWeb.Security;
using Microsoft.EntityFrameworkCore;

namespace EtlWeb.Features.Connections;

/// <summary>
/// A connection as written to EtlWeb: <see cref="Password"/> is write-only (null keeps the saved one, empty removes it).
/// </summary>
public sealed record ConnectionBody(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("kind")] string? Kind,
    [property: JsonPropertyName("host")] string? Host,
    [property: JsonPropertyName("port")] int? Port,
    [property: JsonPropertyName("database")] string? Database,
    [property: JsonPropertyName("user")] string? User,
    [property: JsonPropertyName("password")] string? Password,
    [property: JsonPropertyName("options")] string? Options);

/// <summary>A connection as EtlWeb shows it: never its password, only whether it has one; and the jobs that use it.</summary>
public sealed record ConnectionView(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("host")] string Host,
    [property: JsonPropertyName("port")] int Port,
    [property: JsonPropertyName("database")] string Database,
    [property: JsonPropertyName("user")] string User,
    [property: JsonPropertyName("has_password")] bool HasPassword,
    [property: JsonPropertyName("options")] string Options,
    [property: JsonPropertyName("jobs")] IReadOnlyList<string> Jobs);

/// <summary>What a change of a connection came to.</summary>
public enum ConnectionChange
{
    Done,
    Invalid,
    Missing,
}

/// <summary>The connections as they are now, for the pages, the editor and the API to list (never a password).</summary>
public sealed class ConnectionDirectory(IDbContextFactory<EtlDbContext> dbFactory)
{
    public async Task<IReadOnlyList<ConnectionView>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var connections = await db.Connections.AsNoTracking().OrderBy(c => c.Name).ToListAsync(cancellationToken);
        var jobs = (await db.Jobs.AsNoTracking().Where(j => j.Connection != "").Select(j => new { j.Connection, j.Name }).ToListAsync(cancellationToken))
            .ToLookup(j => j.Connection, j => j.Name, StringComparer.Ordinal);
        return [.. connections.Select(c => View(c, [.. jobs[c.Name].Order(StringComparer.Ordinal)]))];
    }

    private static ConnectionView View(Connection c, IReadOnlyList<string> jobs) =>
        new(c.Name, ConnectionRules.KindNames[c.Kind], c.Host, c.Port, c.Database, c.User, c.SealedPassword.Length > 0, c.Options, jobs);
}

/// <summary>Creates, changes and removes the named connections (Admins; audited).</summary>
public sealed class ConnectionCatalog(IDbContextFactory<EtlDbContext> dbFactory, ConnectionVault vault, CurrentActor actors, AuditLog audit, TimeProvider time)
{
    public async Task<(ConnectionChange Result, ValidationErrors Errors)> CreateAsync(ConnectionBody body, CancellationToken cancellationToken = default)
    {
        actors.Demand(EtlRoles.Admin, "add connections");
        var connection = new Connection { Name = (body.Name ?? "").Trim(), UpdatedAt = time.GetUtcNow() };
        var errors = Apply(body, connection);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Connections.AnyAsync(c => c.Name == connection.Name, cancellationToken))
        {
            errors.Add(ConnectionRules.NameField, $"A connection named '{connection.Name}' exists already.");
        }

        if (!errors.IsEmpty)
        {
            return (ConnectionChange.Invalid, errors);
        }

        db.Connections.Add(connection);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            errors.Add(ConnectionRules.NameField, $"A connection named '{connection.Name}' exists already.");
            return (ConnectionChange.Invalid, errors);
        }

        await audit.RecordAsync(AuditActions.ConnectionCreated, connection.Name, Describe(connection), cancellationToken);
        return (ConnectionChange.Done, errors);
    }

    /// <summary>Changes a connection (it keeps its name: the jobs name it); a password left out is kept.</summary>
    public async Task<(ConnectionChange Result, ValidationErrors Errors)> UpdateAsync(string name, ConnectionBody body, CancellationToken cancellationToken = default)
    {
        actors.Demand(EtlRoles.Admin, "change connections");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Connections.FirstOrDefaultAsync(c => c.Name == name, cancellationToken) is not { } connection)
        {
            return (ConnectionChange.Missing, new ValidationErrors());
        }

        var before = Describe(connection);
        var sealedBefore = connection.SealedPassword;
        var errors = Apply(body, connection);
        if (body.Name is { } renamed && renamed.Trim() != name)
        {
            errors.Add(ConnectionRules.NameField, $"A connection keeps its name ('{name}'): its jobs use it by that name.");
        }

        if (!errors.IsEmpty)
        {
            return (ConnectionChange.Invalid, errors);
        }

        connection.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        var password = body.Password is null ? "" : body.Password.Length > 0 ? "; password changed" : sealedBefore.Length > 0 ? "; password removed" : "";
        await audit.RecordAsync(AuditActions.ConnectionChanged, name, $"{before} -> {Describe(connection)}{password}", cancellationToken);
        return (ConnectionChange.Done, errors);
    }

    /// <summary>Removes a connection no job uses; refused, naming the jobs, otherwise.</summary>
    public async Task<(ConnectionChange Result, ValidationErrors Errors)> DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        actors.Demand(EtlRoles.Admin, "remove connections");
        var errors = new ValidationErrors();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Connections.FirstOrDefaultAsync(c => c.Name == name, cancellationToken) is not { } connection)
        {
            return (ConnectionChange.Missing, errors);
        }

        var jobs = await db.Jobs.Where(j => j.Connection == name).Select(j => j.Name).OrderBy(n => n).ToListAsync(cancellationToken);
        if (jobs.Count > 0)
        {
            errors.Add(ConnectionRules.NameField, $"Connection '{name}' is used by {string.Join(", ", jobs)}. Choose another connection for them first.");
            return (ConnectionChange.Invalid, errors);
        }

        db.Connections.Remove(connection);
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(AuditActions.ConnectionDeleted, name, Describe(connection), cancellationToken);
        return (ConnectionChange.Done, errors);
    }

    /// <summary>The body's fields onto the connection (a missing password keeps the saved one), and what is wrong with them.</summary>
    private ValidationErrors Apply(ConnectionBody body, Connection connection)
    {
        var errors = new ValidationErrors();
        if (ConnectionRules.TryParseKind(body.Kind, out var kind))
        {
            connection.Kind = kind;
        }
        else
        {
            errors.Add(ConnectionRules.KindField, $"'{body.Kind}' is not a connection kind; use one of {string.Join(", ", ConnectionRules.KindNames.Values)}.");
        }

        connection.Host = (body.Host ?? "").Trim();
        connection.Port = body.Port ?? 0;
        connection.Database = (body.Database ?? "").Trim();
        connection.User = (body.User ?? "").Trim();
        connection.Options = (body.Options ?? "").Trim();
        if (body.Password is { } password)
        {
            connection.SealedPassword = vault.Seal(password);
        }

        ConnectionRules.Validate(connection, errors);
        return errors;
    }

    private static string Describe(Connection c) =>
        $"{ConnectionRules.KindNames[c.Kind]} {(c.Kind == ConnectionKind.Sqlite ? c.Database : $"{c.User}@{c.Host}{(c.Port > 0 ? $":{c.Port}" : "")}/{c.Database}")}";
}
