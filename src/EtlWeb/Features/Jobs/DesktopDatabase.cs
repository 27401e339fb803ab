using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EtlWeb.Core.Jobs;
using EtlWeb.Core.Runs;
using Microsoft.Data.Sqlite;

namespace EtlWeb.Features.Jobs;

/// <summary>One row of the desktop tool's <c>job_executions</c>, read as an attempt of the job it names.</summary>
public sealed record DesktopExecution(long Id, string JobName, ImportedExecution Execution, string Output, string ErrorOutput);

/// <summary>What the desktop tool's database holds, as EtlWeb reads it; <see cref="Errors"/> say what could not be read.</summary>
public sealed record DesktopFile(
    IReadOnlyList<JobDocument> Jobs,
    IReadOnlyList<DesktopExecution> Executions,
    int Orphans,
    IReadOnlyDictionary<string, IReadOnlyList<string>> IgnoredColumns,
    IReadOnlyList<string> Errors);

/// <summary>
/// Reads the desktop tool's SQLite file (<c>etl_scheduler.db</c>: tables <c>jobs</c>, <c>job_dependencies</c>,
/// <c>job_executions</c>). A job row becomes a job document column by column, so its columns are matched exactly as
/// the JSON import matches the desktop's field names; its dependencies are listed by name.
/// </summary>
public static class DesktopDatabase
{
    public const string JobsTable = "jobs";
    public const string DependenciesTable = "job_dependencies";
    public const string ExecutionsTable = "job_executions";

    /// <summary>The largest database the import reads (years of captured output fit).</summary>
    public const long MaxBytes = 256L * 1024 * 1024;

    private static readonly byte[] Header = "SQLite format 3\0"u8.ToArray();
    private static readonly string[] DependencyColumns = ["id", "job_id", "depends_on_job_id"];
    private static readonly string[] ExecutionColumns =
        ["id", "job_id", "start_time", "end_time", "status", "exit_code", "output", "error_output", "retry_count", "triggered_by"];

    /// <summary>Whether the bytes start as an SQLite database does.</summary>
    public static bool LooksLikeSqlite(ReadOnlySpan<byte> content) => content.StartsWith(Header);

    /// <summary>Reads the database at <paramref name="path"/> (opened read-only); naive times are read in <paramref name="zone"/>.</summary>
    public static DesktopFile Read(string path, TimeZoneInfo zone)
    {
        var connection = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        using var db = new SqliteConnection(connection.ToString());
        try
        {
            db.Open();
            var tables = Tables(db);
            var missing = new[] { JobsTable, DependenciesTable, ExecutionsTable }.Where(t => !tables.Contains(t)).ToList();
            if (missing.Count > 0)
            {
                return Failed($"This is an SQLite database but not the desktop tool's etl_scheduler.db: it has no table {string.Join(", ", missing)}.");
            }

            var errors = new List<string>();
            var (rows, _) = Rows(db, JobsTable);
            var names = rows.Where(r => r.GetValueOrDefault("id") is not null && r.GetValueOrDefault("name") is not null)
                .ToDictionary(r => Convert.ToInt64(r["id"], CultureInfo.InvariantCulture), r => Convert.ToString(r["name"], CultureInfo.InvariantCulture)!);
            var (dependencies, dependencyColumns) = Rows(db, DependenciesTable);
            var upstreams = dependencies
                .Where(d => names.ContainsKey(Long(d.GetValueOrDefault("job_id"))) && names.ContainsKey(Long(d.GetValueOrDefault("depends_on_job_id"))))
                .ToLookup(d => Long(d.GetValueOrDefault("job_id")), d => names[Long(d.GetValueOrDefault("depends_on_job_id"))]);
            var jobs = rows.Select(row => Document(row, upstreams, errors)).ToList();
            var (executionRows, executionColumns) = Rows(db, ExecutionsTable);
            var (executions, orphans) = Executions(executionRows, executionColumns, names, zone, errors);
            var ignored = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
            {
                [JobsTable] = [.. jobs.SelectMany(JobDocumentMapper.IgnoredFields).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
                [DependenciesTable] = [.. dependencyColumns.Except(DependencyColumns, StringComparer.Ordinal)],
                [ExecutionsTable] = [.. executionColumns.Except(ExecutionColumns, StringComparer.Ordinal)],
            };
            return new DesktopFile(jobs, executions, orphans, ignored, errors);
        }
        catch (SqliteException ex)
        {
            return Failed($"The file could not be read as an SQLite database: {ex.Message}");
        }
    }

    private static DesktopFile Failed(string error) => new([], [], 0, new Dictionary<string, IReadOnlyList<string>>(), [error]);

    private static HashSet<string> Tables(SqliteConnection db)
    {
        using var command = db.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
        using var reader = command.ExecuteReader();
        var tables = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (reader.Read())
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }

    /// <summary>Every row of the table as column -> value (long, double, string or null; a blob is left out), and the column names.</summary>
    private static (List<Dictionary<string, object?>> Rows, List<string> Columns) Rows(SqliteConnection db, string table)
    {
        using var command = db.CreateCommand();
        command.CommandText = $"SELECT * FROM \"{table}\" ORDER BY rowid";
        using var reader = command.ExecuteReader();
        var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        var rows = new List<Dictionary<string, object?>>();
        while (reader.Read())
        {
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var i = 0; i < columns.Count; i++)
            {
                row[columns[i]] = reader.IsDBNull(i) ? null : reader.GetValue(i) is byte[] ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return (rows, columns);
    }

    private static long Long(object? value) => value is null ? -1 : Convert.ToInt64(value, CultureInfo.InvariantCulture);

    /// <summary>A job row as the JSON document the import reads: each column a field of its name, its dependencies by name.</summary>
    private static JobDocument Document(Dictionary<string, object?> row, ILookup<long, string> upstreams, List<string> errors)
    {
        var json = new JsonObject();
        foreach (var (column, value) in row.Where(c => c.Key != "id"))
        {
            json[column] = value switch
            {
                null => null,
                long number => JsonValue.Create(number),
                double number => JsonValue.Create(number),
                _ => JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture)),
            };
        }

        var id = Long(row.GetValueOrDefault("id"));
        json[JobFields.Dependencies] = new JsonArray([.. upstreams[id].Select(n => (JsonNode?)JsonValue.Create(n))]);
        try
        {
            return json.Deserialize<JobDocument>(JobImporter.JsonOptions)!;
        }
        catch (JsonException ex)
        {
            errors.Add($"{JobsTable} row id {id}: column {ex.Path?.TrimStart('$', '.')} has a value of the wrong type: {ex.Message}");
            return new JobDocument { Name = Convert.ToString(row.GetValueOrDefault("name"), CultureInfo.InvariantCulture) };
        }
    }

    /// <summary>The executions of jobs the database still has, and how many name a job it no longer has (the desktop tool does not delete them with their job).</summary>
    private static (List<DesktopExecution> Executions, int Orphans) Executions(
        List<Dictionary<string, object?>> rows, List<string> columns, Dictionary<long, string> names, TimeZoneInfo zone, List<string> errors)
    {
        var missing = new[] { "job_id", "start_time", "status" }.Where(c => !columns.Contains(c, StringComparer.Ordinal)).ToList();
        if (missing.Count > 0)
        {
            errors.Add($"{ExecutionsTable} has no column {string.Join(", ", missing)}.");
            return ([], 0);
        }

        var executions = new List<DesktopExecution>();
        var orphans = 0;
        foreach (var row in rows)
        {
            var id = Long(row.GetValueOrDefault("id"));
            if (!names.TryGetValue(Long(row["job_id"]), out var jobName))
            {
                orphans++;
                continue;
            }

            var where = $"{ExecutionsTable} row id {id} (job '{jobName}')";
            var text = (string column) => Convert.ToString(row.GetValueOrDefault(column), CultureInfo.InvariantCulture);
            if (!DesktopExecutions.TryParseTime(text("start_time"), zone, out var started))
            {
                errors.Add($"{where}: start_time '{text("start_time")}' is not a date and time.");
                continue;
            }

            var finished = started;
            if (text("end_time") is { Length: > 0 } end && !DesktopExecutions.TryParseTime(end, zone, out finished))
            {
                errors.Add($"{where}: end_time '{end}' is not a date and time.");
                continue;
            }

            var status = text("status") ?? "";
            if (DesktopExecutions.StatusOf(status, text("error_output")) is not { } outcome)
            {
                errors.Add($"{where}: status '{status}' is not one the desktop tool writes ({string.Join(", ", DesktopExecutions.KnownStatuses)}).");
                continue;
            }

            var exitCode = row.GetValueOrDefault("exit_code") is long code ? (int?)code : null;
            var retries = row.GetValueOrDefault("retry_count") is long count ? (int)count : 0;
            var message = DesktopExecutions.Describe(id, status, outcome, exitCode, retries, text("triggered_by"));
            var execution = new ImportedExecution(started, finished < started ? started : finished, outcome, exitCode, message);
            executions.Add(new DesktopExecution(id, jobName, execution, text("output") ?? "", text("error_output") ?? ""));
        }

        return (executions, orphans);
    }
}
