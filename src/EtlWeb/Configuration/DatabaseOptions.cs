using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Npgsql;

namespace EtlWeb.Configuration;

/// <summary>Where both stores live.</summary>
public enum DatabaseProvider
{
    /// <summary>Two SQLite files in the data directory: the app DB and Hangfire's.</summary>
    Sqlite,

    /// <summary>One PostgreSQL database: the app tables in its default schema, Hangfire in the schema <c>hangfire</c>.</summary>
    PostgreSql,
}

/// <summary>The <c>EtlWeb:Database</c> section: which database holds the app data and Hangfire's queue.</summary>
public sealed record DatabaseOptions : IValidatableObject
{
    public const string Section = "EtlWeb:Database";

    /// <summary>The schema Hangfire's tables live in, beside the app's tables in the same PostgreSQL database.</summary>
    public const string HangfireSchema = "hangfire";

    [Description("Where both stores live: Sqlite (two files in the data directory) or PostgreSql (one database; Hangfire in its own schema, hangfire). Any case, e.g. postgresql.")]
    public DatabaseProvider Provider { get; init; } = DatabaseProvider.Sqlite;

    [NpgsqlConnectionString]
    [Description("The PostgreSQL connection string, e.g. Host=db;Database=etlweb;Username=etlweb;Password=...; required when Provider is PostgreSql, unused otherwise. A credential: never shown back.")]
    public string ConnectionString { get; init; } = "";

    public bool IsPostgreSql => Provider == DatabaseProvider.PostgreSql;

    /// <summary>The line a start with PostgreSQL and no connection string stops with.</summary>
    public static string MissingConnectionString =>
        $"{Section}:ConnectionString is empty: it is required when {Section}:Provider is PostgreSql, e.g. "
        + "Host=127.0.0.1;Port=5432;Database=etlweb;Username=etlweb;Password=...";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (IsPostgreSql && string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return new ValidationResult(MissingConnectionString, [nameof(ConnectionString)]);
        }
    }
}

/// <summary>Empty, or a connection string Npgsql can read (key=value pairs it knows).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class NpgsqlConnectionStringAttribute : ValidationAttribute
{
    public override bool IsValid(object? value)
    {
        if (value is not string { Length: > 0 } text)
        {
            return true;
        }

        try
        {
            _ = new NpgsqlConnectionStringBuilder(text);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    public override string FormatErrorMessage(string name) =>
        "must be a PostgreSQL connection string of Key=Value pairs Npgsql knows, e.g. Host=127.0.0.1;Database=etlweb;Username=etlweb;Password=...";
}
